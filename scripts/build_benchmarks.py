"""Build the shipped benchmarks (bot/benchmarks/data/benchmarks.yml) from the research file.

    .venv/bin/python scripts/build_benchmarks.py [SOURCE] [--output PATH]

SOURCE defaults to ../shared/benchmarks/published-benchmarks.yml beside the repository. What is
shipped, and why:

- Only trust grades A (the publisher's own page) and B (the publisher's release via a wire or a
  verbatim mirror): a C or D figure cannot name a source a customer could check.
- Only figures a pulse can be set beside: NPS, CSAT %, the ACSI index and survey response rate,
  each in its own unit. ACSI stays `acsi_index` — a 0–100 model index, never a percent satisfied —
  and a figure whose unit is not its metric's unit (CustomerGauge's "best in class = 90th
  percentile") is left out rather than read as an NPS of 90.
- Only levels of a whole population: subgroups (ages 18–24, companies that close the loop) and
  differences between groups (CX leaders minus laggards) are left out, because setting our NPS
  beside them would compare unlike things.
- Industries are normalised to the list the research file proposes defaults for, so one
  workspace industry finds its NPS, CSAT and ACSI figures together; the source's own category is
  kept as `detail`.
- Population: the source's `segment` (b2b, b2c → consumer, mixed). Where a row has none, the
  publisher's other figures decide (PUBLISHER_POPULATION, with the reason in the row's notes),
  otherwise "mixed" and a note that the source does not say. Consumer NPS and ACSI figures come
  from panels of consumers rating companies they use (XM Institute, Temkin, Satmetrix, ACSI), not
  from a company surveying its own customers, and are flagged `panel: true`.

An unknown statistic or industry stops the build: a new kind of figure needs a decision here.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "benchmarks" / "published-benchmarks.yml"
DEFAULT_OUTPUT = REPO_ROOT / "bot" / "benchmarks" / "data" / "benchmarks.yml"

TRUSTED_GRADES = ("A", "B")
METRIC_UNITS = {
    "nps": "nps_points",
    "csat_pct": "percent",
    "acsi_index": "acsi_index_0_100",
    "response_rate_pct": "percent",
}

STATISTICS = {
    "mean": "average",
    "national": "average",  # ACSI's national score is its weighted average over all industries
    "industry": "average",  # an ACSI industry score is the average over that industry's companies
    "sector": "average",
    "median": "median",
    "top_quartile_min": "top quartile",
    "upper_quartile": "top quartile",
    "top_company": "best-in-class",
    "company": "company",
    "mean_min": "average (at least)",  # read off a chart as "50 or more"
    "mean_max": "average (at most)",
    "typical_firm_range": "typical range",
    "mean_range_across_22_industries": "range of industry averages",
    "target_range": "target range",
}
EXCLUDED_STATISTICS = {
    "best_in_class_definition": "defines best in class as a percentile; not a score",
    "mean_if_loop_closed": "a subgroup (companies that close the loop)",
    "mean_if_loop_not_closed": "a subgroup (companies that do not close the loop)",
    "mean_age_18_24": "an age subgroup",
    "mean_age_65_plus": "an age subgroup",
    "cx_leader_minus_laggard": "a difference between groups, not a level",
}
THRESHOLDS = {
    "good": "good threshold",
    "good_range": "good range",
    "excellent": "excellent threshold",
    "world_class": "world-class threshold",
}

# Source category → the industry a workspace picks (the research file's proposed defaults, plus a
# few it has no default for). A category that spans two picks (Zendesk's "Financial &
# Insurance") is shipped under both.
INDUSTRIES: dict[str, tuple[str, ...]] = {
    "all": ("all",),
    "b2c": ("all",),
    "b2b_saas_software": ("b2b_saas_software",),
    "retail": ("ecommerce_retail",),
    "ecommerce_retail": ("ecommerce_retail",),
    "retail_general_merchandise": ("ecommerce_retail",),
    "retail_specialty": ("ecommerce_retail",),
    "department_specialty_stores": ("ecommerce_retail",),
    "gas_stations": ("ecommerce_retail",),
    "grocery": ("grocery",),
    "banking": ("financial_services_banking",),
    "banking_national": ("financial_services_banking",),
    "banking_regional_community": ("financial_services_banking",),
    "banking_super_regional": ("financial_services_banking",),
    "consumer_payments": ("financial_services_banking",),
    "financial_services_insurance": ("financial_services_banking", "insurance"),
    "insurance": ("insurance",),
    "insurance_life": ("insurance",),
    "insurance_property_casualty": ("insurance",),
    "health_insurance": ("insurance",),
    "telecom_tv_internet": ("telecom_internet",),
    "telecom_cable": ("telecom_internet",),
    "telecom_media": ("telecom_internet",),
    "telecom_wireless": ("telecom_internet",),
    "telecom_wireless_value_mvno": ("telecom_internet",),
    "internet_service_providers": ("telecom_internet",),
    "internet_service_providers_fiber": ("telecom_internet",),
    "internet_service_providers_nonfiber": ("telecom_internet",),
    "subscription_tv": ("telecom_internet",),
    "streaming_media": ("streaming_media",),
    "healthcare": ("healthcare",),
    "healthcare_hospitals": ("healthcare",),
    "healthcare_nonhospital": ("healthcare",),
    "healthcare_outpatient": ("healthcare",),
    "healthcare_emergency_room": ("healthcare",),
    "healthcare_inpatient": ("healthcare",),
    "hospitality_travel": ("hospitality_travel",),
    "hospitality_lodging": ("hospitality_travel",),
    "airlines": ("hospitality_travel",),
    "car_rental": ("hospitality_travel",),
    "education": ("education",),
    "consulting_professional_services": ("consulting_professional_services",),
    "b2b_services": ("consulting_professional_services",),
    "it_services_consultancy": ("consulting_professional_services",),
    "business_support_services": ("consulting_professional_services",),
    "hr_services": ("hr_staffing_services",),
    "recruitment_process_outsourcing": ("hr_staffing_services",),
    "logistics_transportation": ("logistics_transportation",),
    "manufacturing": ("manufacturing",),
    "utilities_energy": ("utilities",),
    "internet_services_web": ("internet_services_web",),
    "technology_hosting": ("internet_services_web",),
    "technology_hardware": ("technology_hardware",),
    "computer_hardware": ("technology_hardware",),
    "cell_phones": ("technology_hardware",),
    "wholesale": ("wholesale",),
    "auto_dealers": ("automotive",),
    "real_estate": ("real_estate",),
    "nonprofit": ("nonprofit",),
    "marketing": ("marketing",),
    "social_media": ("social_media",),
    "entertainment_arts": ("entertainment_arts",),
}
NAMES = {
    "all": "Cross-industry",
    "b2c": "Consumer industries",
    "b2b_saas_software": "Software & SaaS",
    "retail": "Retail",
    "ecommerce_retail": "Retail & e-commerce",
    "retail_general_merchandise": "General merchandise retail",
    "retail_specialty": "Specialty retail",
    "department_specialty_stores": "Department & specialty stores",
    "gas_stations": "Gas stations",
    "grocery": "Grocery",
    "banking": "Banking",
    "banking_national": "National banks",
    "banking_regional_community": "Regional & community banks",
    "banking_super_regional": "Super-regional banks",
    "consumer_payments": "Consumer payments",
    "financial_services_banking": "Banking & financial services",
    "financial_services_insurance": "Financial services & insurance",
    "insurance": "Insurance",
    "insurance_life": "Life insurance",
    "insurance_property_casualty": "Property & casualty insurance",
    "health_insurance": "Health insurance",
    "telecom_internet": "Telecom & internet",
    "telecom_tv_internet": "TV & internet service",
    "telecom_cable": "Telecom & cable",
    "telecom_media": "Media & telecommunications",
    "telecom_wireless": "Wireless phone service",
    "telecom_wireless_value_mvno": "Value wireless (MVNO)",
    "internet_service_providers": "Internet service providers",
    "internet_service_providers_fiber": "Internet service providers (fiber)",
    "internet_service_providers_nonfiber": "Internet service providers (non-fiber)",
    "subscription_tv": "Subscription TV",
    "streaming_media": "Streaming media",
    "healthcare": "Healthcare",
    "healthcare_hospitals": "Hospitals",
    "healthcare_nonhospital": "Non-hospital care",
    "healthcare_outpatient": "Outpatient care",
    "healthcare_emergency_room": "Emergency rooms",
    "healthcare_inpatient": "Inpatient care",
    "hospitality_travel": "Travel & hospitality",
    "hospitality_lodging": "Hotels & lodging",
    "airlines": "Airlines",
    "car_rental": "Car rental",
    "education": "Education",
    "consulting_professional_services": "Professional services & consulting",
    "b2b_services": "B2B service providers",
    "it_services_consultancy": "IT services & consultancy",
    "business_support_services": "Personal & business support services",
    "hr_staffing_services": "HR & staffing services",
    "hr_services": "HR services",
    "recruitment_process_outsourcing": "Recruitment process outsourcing",
    "logistics_transportation": "Logistics & transportation",
    "manufacturing": "Manufacturing",
    "utilities": "Utilities",
    "utilities_energy": "Energy utilities",
    "internet_services_web": "Web applications & internet services",
    "technology_hosting": "Technology & hosting",
    "technology_hardware": "Technology hardware",
    "computer_hardware": "Computer hardware",
    "cell_phones": "Cell phones",
    "wholesale": "Wholesale",
    "automotive": "Automotive",
    "auto_dealers": "Auto dealers",
    "real_estate": "Real estate",
    "nonprofit": "Nonprofit",
    "marketing": "Marketing",
    "social_media": "Social media",
    "entertainment_arts": "Entertainment & arts",
}

# Rows without a `segment`: the publisher's other figures in the file say who they surveyed.
PUBLISHER_POPULATION = {
    "Zendesk": (
        "mixed",
        "population inferred: Zendesk's index spans its customers' support tickets, business"
        " and consumer alike (its cross-industry row is marked mixed)",
    ),
    "ClearlyRated": (
        "b2b",
        "population inferred: ClearlyRated surveys clients of B2B service firms",
    ),
}
POPULATIONS = {"b2b": "b2b", "b2c": "consumer", "mixed": "mixed"}
REGIONS = {"US": "US", "US_CA": "US and Canada", "UK": "UK", "global": "global"}

PANEL_NOTE = (
    "consumer panel: a sample of consumers rating companies they use, not a company surveying"
    " its own customers"
)
ACSI_NOTE = "ACSI is a 0–100 model index, not a percent satisfied; never shown as CSAT %"
ZENDESK_NOTE = (
    "a good/bad rating after a support ticket, not 4–5 on a 1–5 scale: close to our CSAT %, not"
    " the same measure"
)


class BuildError(Exception):
    """The research file holds something this script has no rule for."""


def _population(row: Mapping[str, Any], notes: list[str]) -> str:
    segment = row.get("segment")
    if segment is not None:
        if segment not in POPULATIONS:
            raise BuildError(f"unknown segment {segment!r} in {row.get('source')!r}")
        return POPULATIONS[segment]
    for publisher, (population, reason) in PUBLISHER_POPULATION.items():
        if str(row.get("source", "")).startswith(publisher):
            notes.append(reason)
            return population
    notes.append("population not stated by the source; shown as mixed")
    return "mixed"


def _number(raw: Any) -> int | float:
    # 50 stays 50 in the shipped file (not 50.0), so a reviewer reads the figure as published.
    value = float(raw)
    return int(value) if value.is_integer() else value


def _values(row: Mapping[str, Any]) -> dict[str, int | float]:
    if row.get("value") is not None:
        return {"value": _number(row["value"])}
    if row.get("value_min") is not None and row.get("value_max") is not None:
        return {"low": _number(row["value_min"]), "high": _number(row["value_max"])}
    raise BuildError(f"no single value or range in {row.get('source')!r}")


def _shipped_row(
    row: Mapping[str, Any], *, metric: str, statistic: str, industry: str, detail: str | None
) -> dict[str, Any]:
    notes: list[str] = []
    population = _population(row, notes)
    panel = population == "consumer" and metric in ("nps", "acsi_index")
    if panel:
        notes.append(PANEL_NOTE)
    if metric == "acsi_index":
        notes.append(ACSI_NOTE)
    if metric == "csat_pct" and str(row.get("source", "")).startswith("Zendesk"):
        notes.append(ZENDESK_NOTE)
    if row.get("period"):
        notes.append(f"period {row['period']}")
    if row.get("channel") or row.get("survey_type"):
        kind = " ".join(str(row[k]) for k in ("channel", "survey_type") if row.get(k))
        notes.append(f"{kind} surveys")
    if row.get("note"):
        notes.append(str(row["note"]))
    out: dict[str, Any] = {
        "metric": metric,
        "industry": industry,
        "industry_name": NAMES[industry],
        "detail": detail,
        "statistic": statistic,
        **_values(row),
        "company": row.get("company"),
        "source": str(row["source"]),
        "url": row.get("url"),
        "year": row.get("year"),
        "trust": str(row["trust"]),
        "population": population,
        "panel": panel,
        "region": REGIONS.get(str(row.get("region")), row.get("region")),
        "notes": "; ".join(notes) or None,
    }
    return {key: value for key, value in out.items() if value is not None}


def _from_benchmark(row: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    """Shipped rows for one research row, or the reason it is left out."""
    metric = str(row.get("metric"))
    if row.get("trust") not in TRUSTED_GRADES:
        return [], f"grade {row.get('trust')}"
    if metric not in METRIC_UNITS:
        return [], f"not a figure a pulse is compared with ({metric})"
    if row.get("unit") != METRIC_UNITS[metric]:
        return [], f"unit {row.get('unit')} is not the unit of {metric}"
    source_statistic = str(row.get("statistic"))
    if source_statistic in EXCLUDED_STATISTICS:
        return [], EXCLUDED_STATISTICS[source_statistic]
    if source_statistic not in STATISTICS:
        raise BuildError(f"no rule for statistic {source_statistic!r} ({row.get('source')!r})")
    if "ACSI" in str(row.get("source")) and metric != "acsi_index":
        raise BuildError(f"an ACSI figure filed as {metric}: {row.get('source')!r}")
    source_industry = str(row.get("industry"))
    if source_industry not in INDUSTRIES:
        raise BuildError(f"no rule for industry {source_industry!r} ({row.get('source')!r})")
    rows = []
    for industry in INDUSTRIES[source_industry]:
        detail = None if source_industry == industry else NAMES[source_industry]
        rows.append(
            _shipped_row(
                row,
                metric=metric,
                statistic=STATISTICS[source_statistic],
                industry=industry,
                detail=detail,
            )
        )
    return rows, None


def _from_threshold(row: Mapping[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
    if row.get("trust") not in TRUSTED_GRADES:
        return [], f"grade {row.get('trust')}"
    label = str(row.get("label"))
    if label not in THRESHOLDS:
        raise BuildError(f"no rule for NPS threshold {label!r} ({row.get('source')!r})")
    values = dict(row)
    if row.get("max") is not None:
        values["value_min"], values["value_max"] = row.get("min"), row["max"]
    else:
        values["value"] = row["min"] if row.get("min") is not None else row["min_exclusive"]
    values["note"] = "a rule of thumb for reading NPS, not a measured figure"
    shipped = _shipped_row(
        values, metric="nps", statistic=THRESHOLDS[label], industry="all", detail=None
    )
    return [shipped], None


def _order(row: Mapping[str, Any]) -> tuple[int, bool, str, int]:
    # Metric, then cross-industry first, then industry; newest first inside (stable otherwise).
    metric_rank = list(METRIC_UNITS).index(row["metric"])
    return metric_rank, row["industry"] != "all", row["industry"], -(row.get("year") or 0)


def build(research: Mapping[str, Any]) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Shipped rows and a count of left-out rows by reason."""
    shipped: list[dict[str, Any]] = []
    left_out: Counter[str] = Counter()
    candidates = [(_from_benchmark, row) for row in research.get("benchmarks") or []]
    candidates += [(_from_threshold, row) for row in research.get("nps_thresholds") or []]
    for convert, row in candidates:
        rows, reason = convert(row)
        shipped.extend(rows)
        if reason is not None:
            left_out[reason] += 1
    shipped.sort(key=_order)
    return shipped, left_out


HEADER = """\
# Shipped default benchmarks. Generated by scripts/build_benchmarks.py from
# {source}. Do not edit by hand: change the research file or the script, and rebuild.
# Trust grades A and B only. ACSI is its own metric (acsi_index), never a CSAT percent.
"""


def render(rows: Sequence[Mapping[str, Any]], *, source_name: str, conventions: Any) -> str:
    body: str = yaml.safe_dump(
        {"version": 1, "conventions": conventions, "benchmarks": list(rows)},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return HEADER.format(source=source_name) + body


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    research = yaml.safe_load(args.source.read_text(encoding="utf-8"))
    try:
        rows, left_out = build(research)
    except BuildError as error:
        print(f"build_benchmarks: {error}", file=sys.stderr)
        return 1
    conventions = {
        key: value
        for key, value in (research.get("conventions") or {}).items()
        if key != "trust_grades"
    }
    conventions["trust_grades"] = {
        grade: text
        for grade, text in ((research.get("conventions") or {}).get("trust_grades") or {}).items()
        if grade in TRUSTED_GRADES
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    text = render(rows, source_name=args.source.name, conventions=conventions)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {len(rows)} figures to {args.output}", file=sys.stderr)
    for reason, count in sorted(left_out.items()):
        print(f"  left out {count}: {reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
