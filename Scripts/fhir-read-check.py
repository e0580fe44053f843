#!/usr/bin/env python3
"""Reads Accord's FHIR R4 XML with the Python FHIR client fhir.resources (its R4B models).

Usage:
    pip install 'fhir.resources>=8,<9' lxml
    Scripts/fhir-read-check.py [--questionnaires DIR] [BUNDLE.xml ...]

Parses every Questionnaire in DIR (default: Exports/fhir-r4/questionnaires next to this
script's folder) and every Bundle given, then checks what a reader of Accord's documents relies
on: each QuestionnaireResponse whose canonical names a Questionnaire read here holds only that
Questionnaire's linkIds, and every Observation derived from a QuestionnaireResponse points at
an entry of its Bundle. Prints one line per file; exits 1 on the first kind of failure found
in any file (all files are still read), 2 when fhir.resources is missing.
"""
import argparse
import pathlib
import sys

try:
    from fhir.resources.R4B.bundle import Bundle
    from fhir.resources.R4B.questionnaire import Questionnaire
except ImportError as error:  # pragma: no cover
    print(f"fhir-read-check: fhir.resources is not installed ({error}); pip install 'fhir.resources>=8,<9' lxml", file=sys.stderr)
    sys.exit(2)


def link_ids(items):
    """Every linkId of a Questionnaire's (or a response's) items, nested ones included."""
    found = set()
    for item in items or []:
        found.add(item.linkId)
        found |= link_ids(getattr(item, "item", None))
        for answer in getattr(item, "answer", None) or []:
            found |= link_ids(getattr(answer, "item", None))
    return found


def main():
    root = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questionnaires", default=str(root / "Exports/fhir-r4/questionnaires"))
    parser.add_argument("bundles", nargs="*")
    arguments = parser.parse_args()

    failures = 0
    questionnaires = {}
    files = sorted(pathlib.Path(arguments.questionnaires).glob("*.xml"))
    if not files:
        print(f"fhir-read-check: no Questionnaire in {arguments.questionnaires}", file=sys.stderr)
        failures += 1
    for path in files:
        try:
            questionnaire = Questionnaire.model_validate_xml(path.read_bytes())
            ids = link_ids(questionnaire.item)
            if not questionnaire.url or not ids:
                raise ValueError("no url or no item")
            questionnaires[str(questionnaire.url)] = ids
            print(f"{path}: ok (Questionnaire {questionnaire.url}, {len(ids)} items)")
        except Exception as error:  # noqa: BLE001 - any failure to read is reported
            failures += 1
            print(f"{path}: error: {type(error).__name__}: {error}")

    for name in arguments.bundles:
        path = pathlib.Path(name)
        try:
            bundle = Bundle.model_validate_xml(path.read_bytes())
            urls = {str(entry.fullUrl) for entry in bundle.entry or []}
            problems = []
            responses = 0
            for entry in bundle.entry or []:
                resource = entry.resource
                kind = resource.get_resource_type()
                if kind == "QuestionnaireResponse":
                    responses += 1
                    canonical = str(resource.questionnaire).split("|")[0]
                    if canonical in questionnaires:
                        extra = link_ids(resource.item) - questionnaires[canonical]
                        if extra:
                            problems.append(f"{entry.fullUrl} holds items {sorted(extra)} that {canonical} does not have")
                elif kind == "Observation":
                    for reference in resource.derivedFrom or []:
                        if str(reference.reference) not in urls:
                            problems.append(f"{entry.fullUrl} is derived from {reference.reference}, not in the Bundle")
            if problems:
                raise ValueError("; ".join(problems))
            print(f"{path}: ok (Bundle of {len(bundle.entry or [])} entries, {responses} QuestionnaireResponse)")
        except Exception as error:  # noqa: BLE001
            failures += 1
            print(f"{path}: error: {type(error).__name__}: {error}")

    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
