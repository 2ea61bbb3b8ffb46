"""Run docflow as ``python -m docflow``, the same as the ``docflow`` command."""

from docflow.cli.launch import run

if __name__ == "__main__":
    run()
