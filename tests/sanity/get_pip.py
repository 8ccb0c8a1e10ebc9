# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stand-in for get-pip.py, which ansible-test downloads from ci-files.testing.ansible.com to bootstrap pip in each
sanity test's virtual environment. That host is out of reach here; this does the same without it.

ansible-test runs it with the new environment's Python and get-pip's arguments (``pip==<version> --no-setuptools
--no-wheel``). It installs the pip that this Python bundles (ensurepip, no network), then the requested pip with it
from the package index that pip is configured with, as get-pip.py would. tests/sanity/offline.py puts it in place.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys

GET_PIP_ONLY = ("--no-setuptools", "--no-wheel")


def main() -> None:
    """Bootstrap pip into the running Python, then install what get-pip.py was asked for."""
    # ensurepip turns off pip's configuration in os.environ (PIP_CONFIG_FILE=/dev/null); the install keeps it.
    environment = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY]
    subprocess.run([sys.executable, "-m", "pip", "install", "--upgrade", "--force-reinstall", *arguments],
                   env=environment, check=True)


if __name__ == "__main__":
    main()
