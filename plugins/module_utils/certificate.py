# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure logic for HTTPS on the load balancer: which ACM certificate is ours, the DNS records that validate it, and
the checks of the domain settings. No AWS calls."""

from __future__ import annotations

import re
from typing import Any, Mapping

# The statuses of a certificate that a listener can use now or soon; the others (FAILED, VALIDATION_TIMED_OUT,
# EXPIRED, REVOKED, INACTIVE) are never picked, and a new one is requested instead.
USABLE_STATUSES = ("ISSUED", "PENDING_VALIDATION")
# A DNS name as ACM (RequestCertificate DomainName, at most 253 characters) and Route53 take it: labels of 1-63
# letters, digits and hyphens, not starting or ending with a hyphen, at least two of them.
_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_DOMAIN = re.compile(rf"^{_LABEL}(\.{_LABEL})+$")
_CERTIFICATE_ARN = re.compile(r"^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate/[A-Za-z0-9-]+$")


def tagged(candidates: list[Mapping[str, Any]], tags: Mapping[str, str]) -> list[Mapping[str, Any]]:
    """The candidates (ACM certificate summaries, each with its ``Tags`` as a dict) that carry every tag of ``tags``."""
    return [cert for cert in candidates if all(cert.get("Tags", {}).get(key) == str(value) for key, value in tags.items())]


def pick_certificate(candidates: list[Mapping[str, Any]], domain: str, tags: Mapping[str, str]) -> dict[str, Any]:
    """Of ``candidates`` (ACM certificate summaries, each with its ``Tags`` as a dict), the one to use for ``domain``:
    it carries every tag of ``tags``, names the domain and is ISSUED or PENDING_VALIDATION, ISSUED first, then the
    newest. Returns ``use`` (a candidate or None) and ``others``: the other candidates that carry the tags."""
    ours = tagged(candidates, tags)
    usable = [cert for cert in ours if cert.get("DomainName", "").lower() == domain.lower()
              and cert.get("Status") in USABLE_STATUSES]
    usable.sort(key=lambda cert: (cert.get("Status") == "ISSUED", str(cert.get("CreatedAt", ""))), reverse=True)
    use = usable[0] if usable else None
    return {"use": use, "others": [cert for cert in ours if cert is not use]}


def validation_records(description: Mapping[str, Any]) -> list[dict[str, str]] | None:
    """The DNS records that validate a certificate (DescribeCertificate's ``Certificate``), one per distinct record,
    in amazon.aws.route53's terms; None while ACM has not yet published a record for every domain (it adds them
    a few seconds after RequestCertificate)."""
    records: dict[str, dict[str, str]] = {}
    for option in description.get("DomainValidationOptions", []):
        record = option.get("ResourceRecord")
        if option.get("ValidationMethod", "DNS") != "DNS":
            continue
        if not record:
            return None
        records[record["Name"]] = {"name": record["Name"], "type": record["Type"], "value": record["Value"]}
    return [records[name] for name in sorted(records)] if records else None


def in_zone(domain: str, zone: str) -> bool:
    """Whether ``domain`` is ``zone`` or a name under it (case and a trailing dot do not matter)."""
    domain, zone = domain.lower().rstrip("."), zone.lower().rstrip(".")
    return domain == zone or domain.endswith("." + zone)


def https_errors(settings: Mapping[str, Any], label: Mapping[str, str]) -> list[str]:
    """Problems with the HTTPS settings (keys: domain, hosted_zone, certificate_arn, allow_plain_http, https_port,
    http_port, console_port, ssl_policy; ``label``: key -> the name to show), or an empty list."""
    domain = str(settings.get("domain") or "")
    zone = str(settings.get("hosted_zone") or "")
    arn = str(settings.get("certificate_arn") or "")
    errors: list[str] = []
    if not domain:
        if not settings.get("allow_plain_http", True):
            errors.append(f"{label['domain']} is not set, and {label['allow_plain_http']} is false: this environment "
                          f"serves HTTPS only. Set {label['domain']} with {label['hosted_zone']} (ACM certificate "
                          f"validated through Route53) or {label['certificate_arn']}, or set {label['allow_plain_http']}: "
                          "true to serve plain HTTP")
        for key in ("hosted_zone", "certificate_arn"):
            if settings.get(key):
                errors.append(f"{label[key]} is set but {label['domain']} is not; HTTPS needs the domain")
        return errors
    if len(domain) > 253 or not _DOMAIN.match(domain):
        errors.append(f"{label['domain']} is {domain!r}; it must be a DNS name such as blog.example.com: labels of "
                      "1-63 letters, digits and hyphens, at most 253 characters, no wildcard (ACM RequestCertificate "
                      "DomainName)")
    if not zone and not arn:
        errors.append(f"{label['domain']} is {domain} but neither {label['hosted_zone']} (the Route53 hosted zone that "
                      f"validates an ACM certificate and holds the alias record) nor {label['certificate_arn']} (an "
                      "imported or existing ACM certificate) is set")
    if zone and (not _DOMAIN.match(zone.rstrip(".")) or not in_zone(domain, zone)):
        errors.append(f"{label['hosted_zone']} is {zone!r}; it must be the name of the Route53 hosted zone that holds "
                      f"{domain} (the domain itself or a parent of it)")
    if arn and not _CERTIFICATE_ARN.match(arn):
        errors.append(f"{label['certificate_arn']} is {arn!r}; it must be an ACM certificate ARN "
                      "(arn:aws:acm:<region>:<account>:certificate/<id>) in the load balancer's region")
    ports = [settings.get(key) for key in ("https_port", "http_port", "console_port")]
    if str(ports[0]) in (str(ports[1]), str(ports[2])):
        errors.append(f"{label['https_port']} is {ports[0]}, the same as another listener's port; a load balancer has "
                      "one listener per port (ELBv2 CreateListener: DuplicateListener)")
    if not re.match(r"^ELBSecurityPolicy-[A-Za-z0-9-]+$", str(settings.get("ssl_policy", ""))):
        errors.append(f"{label['ssl_policy']} is {settings.get('ssl_policy')!r}; it must name an ELB security policy "
                      "(ELBSecurityPolicy-..., ELBv2 CreateListener SslPolicy)")
    return errors
