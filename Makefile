# Entry points named in the README. Each target installs what is missing first.
.PHONY: setup demo test bench lint

setup:
	bash scripts/setup.sh

demo: setup
	.venv/bin/docflow process sample_docs/

# One test process per CPU: most tests wait on docflow processes they start.
test:
	bash scripts/setup.sh --with-browser
	.venv/bin/python -m pytest -q -n auto

lint: setup
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
