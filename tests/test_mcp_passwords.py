"""Tests for the ``password`` argument of the MCP tools that read documents.

A client gives the password of an encrypted PDF in a tool call. The server
passes it to its document worker for that call only: it never reaches the
extraction cache, the server's log or the results. Each server kind runs once
as a real stdio process, driven by the SDK's ``stdio_client`` and
``ClientSession``, with one document worker so that every call goes to the
same worker. The encrypted PDF is made with fpdf2 (RC4, 128 bit).
"""

import asyncio
import json
import os
import sys

import fpdf
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from docflow.core.config import Settings

MODULES = {
    "classification": "docflow.mcp.classification_server",
    "quality": "docflow.mcp.quality_server",
}
RIGHT = "Corr3ct-horse-battery"
WRONG = "wrong-guess-4711"
INVOICE = (
    "INVOICE No. 2026-117\n"
    "Bill to: Example GmbH, Hauptstrasse 5, Berlin\n"
    "Invoice date: 2026-11-02    Due date: 2026-12-02\n"
    "Consulting services, November        1,250.00 EUR\n"
    "VAT 19%                                237.50 EUR\n"
    "Total due                            1,487.50 EUR\n"
    "Payment within 30 days to IBAN DE00 1234 5678 9012 3456 78.\n"
)
WRONG_MESSAGE = (
    "encrypted PDF; the password given does not open it; pass the right one "
    "in the tool's 'password' argument"
)
NO_PASSWORD_MESSAGE = (
    "encrypted PDF that needs a password; pass it in the tool's 'password' argument"
)
OFFICE_MESSAGE = (
    "password-protected Office document, which docflow cannot decrypt; save an "
    "unprotected copy as DOCX or PDF"
)


def write_encrypted_pdf(path):
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 7, INVOICE)
    pdf.set_encryption(owner_password="owner-" + RIGHT, user_password=RIGHT)
    pdf.output(str(path))


def write_encrypted_office_file(path):
    """Write the start of an OLE2 file whose directory names an EncryptedPackage.

    It is not a whole Office file, but detection reads no more than this.
    """
    signature = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    name = "EncryptedPackage".encode("utf-16-le")
    path.write_bytes(signature + bytes(56) + name + bytes(512))


# Calls as (server kind, key, tool, arguments), run in this order. In the
# arguments, "enc" is the encrypted PDF, "office" the encrypted Office file and
# "txt" a text file. with_paths replaces these names by the real paths.
CALLS = [
    ("classification", "none", "classify_document", {"path": "enc"}),
    (
        "classification",
        "wrong",
        "classify_document",
        {"path": "enc", "password": WRONG},
    ),
    (
        "classification",
        "right",
        "classify_document",
        {"path": "enc", "password": RIGHT},
    ),
    ("classification", "after", "classify_document", {"path": "enc"}),
    (
        "classification",
        "batch",
        "classify_documents",
        {"paths": ["enc", "txt"], "with_quality": True, "password": RIGHT},
    ),
    ("classification", "batch_after", "classify_documents", {"paths": ["enc"]}),
    ("classification", "type", "classify_document", {"path": "enc", "password": 4711}),
    (
        "classification",
        "office",
        "classify_document",
        {"path": "office", "password": RIGHT},
    ),
    ("quality", "right", "analyze_quality", {"path": "enc", "password": RIGHT}),
    ("quality", "wrong", "analyze_documents", {"paths": ["enc"], "password": WRONG}),
    ("quality", "report", "generate_report", {"paths": ["enc"], "password": RIGHT}),
    ("quality", "after", "analyze_quality", {"path": "enc"}),
]


def with_paths(arguments, paths):
    """Return ``arguments`` with the names of CALLS replaced by real paths."""
    replaced = dict(arguments)
    if "path" in replaced:
        replaced["path"] = paths[replaced["path"]]
    if "paths" in replaced:
        replaced["paths"] = [paths[name] for name in replaced["paths"]]
    return replaced


async def call_all(kind, folder, paths):
    """Start one server of ``kind`` and make its calls of CALLS in order."""
    settings = Settings.model_validate(
        {
            "store": {"cache_dir": str(folder / "cache")},
            "workers": {"children_per_server": 1},
        }
    )
    settings_file = folder / f"{kind}-settings.json"
    settings_file.write_text(settings.model_dump_json())
    env = {**os.environ, "DOCFLOW_SETTINGS_FILE": str(settings_file)}
    args = ["-m", MODULES[kind], "--root", str(folder / "docs"), "-vv"]
    params = StdioServerParameters(command=sys.executable, args=args, env=env)
    results = {}
    with open(folder / f"{kind}.log", "w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                for call_kind, key, tool, arguments in CALLS:
                    if call_kind == kind:
                        results[key] = await session.call_tool(
                            tool, with_paths(arguments, paths)
                        )
                results["tools"] = (await session.list_tools()).tools
    return results


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Return the calls' results and the server logs, by server kind."""
    folder = tmp_path_factory.mktemp("passwords")
    docs = folder / "docs"
    docs.mkdir()
    paths = {
        "enc": str(docs / "locked.pdf"),
        "office": str(docs / "locked.docx"),
        "txt": str(docs / "invoice.txt"),
    }
    write_encrypted_pdf(paths["enc"])
    write_encrypted_office_file(docs / "locked.docx")
    # Another company, so that the decrypted text has a name of its own.
    (docs / "invoice.txt").write_text(INVOICE.replace("Example GmbH", "Sample Ltd"))
    results = {kind: asyncio.run(call_all(kind, folder, paths)) for kind in MODULES}
    logs = {kind: (folder / f"{kind}.log").read_text() for kind in MODULES}
    return {"results": results, "logs": logs, "paths": paths, "folder": folder}


def document(served, kind, key):
    result = served["results"][kind][key]
    assert not result.is_error, result.content
    return result.structured_content


def test_pdf_without_password_required(served):
    found = document(served, "classification", "none")
    assert found["status"] == "password_required"
    assert found["error"] == f"{served['paths']['enc']}: {NO_PASSWORD_MESSAGE}"


def test_wrong_password_gets_clear_message(served):
    found = document(served, "classification", "wrong")
    assert found["status"] == "password_required"
    assert found["error"] == f"{served['paths']['enc']}: {WRONG_MESSAGE}"


def test_office_file_keeps_own_advice(served):
    """No password opens an encrypted Office file, so none is asked for."""
    found = document(served, "classification", "office")
    assert found["status"] == "password_required"
    assert found["error"] == f"{served['paths']['office']}: {OFFICE_MESSAGE}"


def test_right_password_classifies_pdf(served):
    found = document(served, "classification", "right")
    assert found["status"] == "ok", found["error"]
    assert found["classification"]["category"] == "invoice"


def test_password_not_kept_for_next_call(served):
    """The worker keeps no password between calls, and no decrypted text is cached."""
    found = document(served, "classification", "after")
    assert found["status"] == "password_required"
    assert found["cached"] is False


def test_batch_password_tried_on_every_pdf(served):
    batch = document(served, "classification", "batch")
    statuses = [result["status"] for result in batch["results"]]
    assert statuses == ["ok", "ok"]
    assert batch["results"][0]["quality"] is not None


def test_batch_without_password_after_batch(served):
    batch = document(served, "classification", "batch_after")
    assert batch["results"][0]["status"] == "password_required"


def test_quality_tools_take_password(served):
    assert document(served, "quality", "right")["status"] == "ok"
    wrong = document(served, "quality", "wrong")["results"][0]
    assert wrong["status"] == "password_required"
    assert wrong["error"] == f"{served['paths']['enc']}: {WRONG_MESSAGE}"
    report = document(served, "quality", "report")
    assert report["results"][0]["status"] == "ok"
    assert document(served, "quality", "after")["status"] == "password_required"


def test_password_of_wrong_type_not_shown(served):
    result = served["results"]["classification"]["type"]
    assert result.is_error
    text = " ".join(block.text for block in result.content)
    assert text == (
        "classify_document: argument 'password' must be a string, the password "
        "of an encrypted PDF, got a number."
    )


@pytest.mark.parametrize("kind", list(MODULES))
def test_password_never_in_results(served, kind):
    for key, result in served["results"][kind].items():
        if key == "tools":
            continue
        text = json.dumps(result.structured_content) + repr(result.content)
        assert RIGHT not in text, key
        assert WRONG not in text, key


@pytest.mark.parametrize("kind", list(MODULES))
def test_password_never_in_server_log(served, kind):
    log = served["logs"][kind]
    assert "processing" in log, "the log should be at debug level"
    assert RIGHT not in log
    assert WRONG not in log
    assert "4711" not in log


def test_password_never_in_cache(served):
    for path in (served["folder"] / "cache").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert RIGHT.encode() not in data, path
            assert b"Example GmbH" not in data, path


@pytest.mark.parametrize("kind", list(MODULES))
def test_password_argument_in_schemas(served, kind):
    tools = {tool.name: tool for tool in served["results"][kind]["tools"]}
    expected = {
        "classification": ["classify_document", "classify_documents"],
        "quality": ["analyze_quality", "analyze_documents", "generate_report"],
    }[kind]
    for name in expected:
        properties = tools[name].input_schema["properties"]
        assert "password" in properties, name
        assert "password" not in tools[name].input_schema.get("required", []), name
