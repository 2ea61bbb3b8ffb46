#!/usr/bin/env bash
# Install what docflow needs on this machine, then leave a ready .venv/.
#   - tesseract-ocr and its English, French and German data (apt-get, when missing)
#   - with --with-browser, Chromium too, for the test that renders the HTML report
#   - a virtual environment in .venv with docflow installed editable, with test tools
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
APT_PACKAGES=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu)
for argument in "$@"; do
    case "$argument" in
        --with-browser) APT_PACKAGES+=(chromium) ;;
        *) echo "setup: unknown option '$argument'; the only option is --with-browser" >&2
           exit 2 ;;
    esac
done

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing_packages() {
    local package
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" \
            || echo "$package"
    done
}

if command -v apt-get >/dev/null 2>&1; then
    mapfile -t missing < <(missing_packages)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "setup: installing ${missing[*]} with apt-get" >&2
        as_root apt-get update -qq
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >&2
    fi
elif ! command -v tesseract >/dev/null 2>&1; then
    echo "setup: tesseract not found and apt-get is not available;" \
         "install tesseract-ocr with your package manager for OCR" >&2
fi

if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $PYTHON" >&2
    "$PYTHON" -m venv .venv
fi
stamp=.venv/.docflow-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "setup: installing docflow and its dependencies into .venv" >&2
    .venv/bin/python -m pip install -q --upgrade pip >&2
    .venv/bin/python -m pip install -q -e '.[dev]' >&2
    touch "$stamp"
fi
