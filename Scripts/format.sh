#!/usr/bin/env bash
# Formats the Swift sources with the committed .swift-format, then lints them.
# With --lint it only lints (CI): a file that formatting would change fails.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--lint" ]; then
  swift format format --in-place --recursive Sources Tests Package.swift
fi
swift format lint --strict --recursive Sources Tests Package.swift
