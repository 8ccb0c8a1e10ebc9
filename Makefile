# Hasura Blog on AWS. `make help` lists the targets.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
ENV ?= local
AWS_EMULATOR_PORT ?= 4566
export AWS_EMULATOR_PORT
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/collections
export ANSIBLE_FORCE_COLOR ?= false

# Only the local inventory talks to the emulator. For it, AWS_ENDPOINT_URL follows AWS_EMULATOR_PORT unless
# it is set explicitly; dev and prod never get an endpoint from here.
ifeq ($(ENV),local)
AWS_ENDPOINT_URL ?= http://127.0.0.1:$(AWS_EMULATOR_PORT)
export AWS_ENDPOINT_URL
endif

PLAYBOOK := $(VENV)/bin/ansible-playbook
EMULATOR := $(VENV)/bin/python -m tests.emulator
STAMP := $(VENV)/.installed
# uv installs the pins of requirements-dev.txt in parallel: under a minute where pip takes two, one core at a time.
UV_VERSION := 0.13.9

.PHONY: help setup emulator emulator-stop demo deploy plan destroy secrets rollout scale restore status bench test lint unit molecule-prod-like \
	molecule sanity clean check-env

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-15s %s\n", $$1, $$2}'

setup: $(STAMP) ## Create .venv with the exact pins of requirements-dev.txt

$(STAMP): requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python --compile-bytecode -r requirements-dev.txt
	touch $@

emulator: setup ## Start the local AWS emulator on 127.0.0.1:$AWS_EMULATOR_PORT (no-op if running)
	@$(EMULATOR) start --port $(AWS_EMULATOR_PORT)

emulator-stop: setup ## Stop the local AWS emulator
	@$(EMULATOR) stop --port $(AWS_EMULATOR_PORT)

# The local inventory needs the emulator; any other inventory deploys to the AWS account of your credentials.
ifeq ($(ENV),local)
TARGET_READY := emulator
else
TARGET_READY := setup
endif

demo: ## From a fresh clone: set up, start the emulator, deploy to it, print what exists
	@$(MAKE) --no-print-directory deploy ENV=local
	@echo
	@echo "The emulator keeps running on $(AWS_ENDPOINT_URL). Look around with boto3 or the AWS CLI:"
	@echo "  AWS_ACCESS_KEY_ID=emulator AWS_SECRET_ACCESS_KEY=emulator AWS_DEFAULT_REGION=us-east-1 \\"
	@echo "    aws --endpoint-url $(AWS_ENDPOINT_URL) ec2 describe-vpcs"
	@echo "  $(VENV)/bin/python -c \"import boto3; print(boto3.client('ec2', endpoint_url='$(AWS_ENDPOINT_URL)', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x').describe_vpcs()['Vpcs'])\""
	@echo "Tear down with 'make destroy', stop the emulator with 'make emulator-stop'."

# Every target that acts on an environment refuses one without an inventory, before anything else (the playbooks
# also refuse an inventory without a host in the group hasura_blog).
check-env:
	@test -f inventories/$(ENV)/hosts.yml || { echo "ENV=$(ENV) has no inventory (inventories/$(ENV)/hosts.yml)." \
	  "The environments are: $$(cd inventories && ls -d */ | tr -d / | tr '\n' ' ')" >&2; exit 2; }

deploy: check-env $(TARGET_READY) ## Deploy site.yml to inventories/$(ENV)
	$(PLAYBOOK) site.yml -i inventories/$(ENV) $(ARGS)

plan: check-env $(TARGET_READY) ## Show what deploy would change (check mode, diff), writing nothing
	$(PLAYBOOK) site.yml -i inventories/$(ENV) --check --diff $(ARGS)

destroy: check-env $(TARGET_READY) ## Remove what site.yml created in inventories/$(ENV)
	$(PLAYBOOK) playbooks/teardown.yml -i inventories/$(ENV) $(ARGS)

# A new environment's vault-encrypted secrets. It prompts for the new vault password; the local environment uses
# its committed, demo-only password file.
ifeq ($(ENV),local)
SECRETS_ARGS := -e secrets_vault_password=$$(cat secrets/local-vault-password.txt)
endif
secrets: check-env setup ## Generate secrets/$(ENV).yml, vault-encrypted (refuses to overwrite)
	@if [ -e secrets/$(ENV).yml ]; then \
	  echo "secrets/$(ENV).yml exists; rotate with ansible-vault edit" >&2; exit 1; fi
	$(PLAYBOOK) playbooks/secrets.yml -i inventories/$(ENV) $(SECRETS_ARGS) $(ARGS)

# Day-2 operations (README, "Day-2 operations"). Each checks its input before the first AWS call; ARGS=--check plans.
rollout: check-env $(TARGET_READY) ## Roll SERVICE=hasura|nextjs out to IMAGE=<image:tag>, and wait until it has
	$(PLAYBOOK) playbooks/rollout.yml -i inventories/$(ENV) -e hasura_blog_service='$(SERVICE)' -e hasura_blog_image='$(IMAGE)' $(ARGS)

scale: check-env $(TARGET_READY) ## Set SERVICE=hasura|nextjs to COUNT=<n> tasks, and wait until they run
	$(PLAYBOOK) playbooks/scale.yml -i inventories/$(ENV) -e hasura_blog_service='$(SERVICE)' -e hasura_blog_count='$(COUNT)' $(ARGS)

# REPOINT=1 moves the environment to the restored instance (needs the vault password).
restore: check-env $(TARGET_READY) ## Restore the database at TIME=<ISO 8601 UTC>|latest to a new instance [REPOINT=1]
	$(PLAYBOOK) playbooks/restore.yml -i inventories/$(ENV) -e hasura_blog_restore_time='$(TIME)' \
	  -e hasura_blog_repoint=$(if $(filter 1 true yes,$(REPOINT)),true,false) $(ARGS)

# FORMAT=json prints JSON. One process reads the inventory and the whole environment (tools/status.py); AWX runs the
# same reads as playbooks/status.yml.
status: check-env $(TARGET_READY) ## Print what runs in inventories/$(ENV): endpoints, database, services, targets, events
	$(VENV)/bin/python tools/status.py -i inventories/$(ENV) $(if $(filter json,$(FORMAT)),--json) $(ARGS)

# Each figure is the median of 3 runs (RUNS=1 for a quick look); it writes bench/results.json and bench/timeline.svg,
# prints a Markdown table, and fails when the no-op re-deploy's or the plan's counts rise above bench/baseline.json.
RUNS ?= 3
bench: setup ## Benchmark against the emulator: cold deploy, no-op re-deploy, plan, status, three environments
	$(VENV)/bin/python -m bench.run --runs $(RUNS) $(ARGS)

# The three run side by side (output kept per target): most of their time is Ansible process start-up on one core
# each, and waits on the realistic emulator.
test: setup ## Everything CI runs: lint, sanity, unit tests, both molecule scenarios, each against its own emulator
	@$(MAKE) --no-print-directory -j4 --output-sync=target lint sanity unit molecule molecule-prod-like

lint: setup ## ansible-lint (production profile)
	ansible-lint

sanity: setup ## ansible-test sanity, offline: no containers, no download of its pip bootstrap
	$(VENV)/bin/python tests/sanity/run.py $(ARGS)

# PYTEST_WORKERS processes (default 2, the cores of CI), each test file in one of them with its own emulator. The
# longest files go first (tests/conftest.py, tests/durations.json); PYTEST_ARGS=--store-durations measures them again.
PYTEST_WORKERS ?= 2
unit: setup ## pytest: emulator patches, module_utils, launcher, lifecycle and teardown against the emulator
	$(VENV)/bin/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25 \
	  tests/unit tests/integration $(PYTEST_ARGS)

# molecule starts and stops its own emulator, on a free port so that it never meets `make emulator`'s. Its state
# lives in this clone's .run/ and starts empty: molecule's default (~/.ansible/tmp/molecule.<hash of "tests">) is
# shared by every clone, and a run that was killed leaves "created: true" there, so the next run skipped create.
# SCENARIO=prod-like runs the second scenario (the prod settings); `make test` runs both side by side. TIME_SCALE is
# realistic mode's (tests/emulator/realism: 0.05 by default).
SCENARIO ?= default
molecule: setup ## A molecule scenario (SCENARIO=default|prod-like), on its own emulator (realistic mode) on a free port
	port=$$($(EMULATOR) free-port); state=$(CURDIR)/.run/molecule-$(SCENARIO); rm -rf $$state; \
	cd tests && MOLECULE_EPHEMERAL_DIRECTORY=$$state AWS_EMULATOR_PORT=$$port AWS_ENDPOINT_URL=http://127.0.0.1:$$port \
	  AWS_EMULATOR_REALISM=1 $(if $(TIME_SCALE),AWS_EMULATOR_TIME_SCALE=$(TIME_SCALE)) molecule test -s $(SCENARIO)

molecule-prod-like: setup ## The prod-like molecule scenario: the prod settings, deployed, verified, torn down
	@$(MAKE) --no-print-directory molecule SCENARIO=prod-like

clean: emulator-stop ## Stop the emulator and remove .venv and .run
	rm -rf $(VENV) .run
