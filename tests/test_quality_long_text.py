"""Quality of long texts without paragraphs and of repeated run-on sentences."""

from __future__ import annotations

import pytest

from docflow.core.config import Settings
from docflow.core.models import ExtractedDocument, Page, QualityResult
from docflow.core.quality import analyze_quality
from docflow.core.quality._checks import count_paragraphs

# 431 words in six run-on sentences with typos, written on one line.
RUN_ON_TEXT = (
    "Then finish and the write was for that schedule with recieved a time the write "
    "prototype engineers was client recieved team recieved late project for the had "
    "recieved were the to the engineers managment engineers the because deadline team"
    " nobody schedule parts deadline and to other had other which and the the other "
    "new the busy not plan nobody the then asked teh to. Projects was not that new "
    "asked with recieved was budget the new delivered delivered other engineers "
    "project meant late engineers plan projects managment who because prototype the a"
    " projects also that that had and busy then meant other that with who nobody "
    "managment the also late to because recieved engineers the parts teh finish the "
    "decided that team write project before not prototype wrong parts managment "
    "deadline then delivered not finish were delivered prototype deadline because "
    "complained the was wrong recieved. A the nobody which the was finish projects "
    "that time team the team new supplier the not write other had late the that write"
    " the were recieved new complained had and and also the report the decided "
    "decided the and not nobody finish also project the the because delivered "
    "projects the for meant managment schedule that time which the was a deadline "
    "other the team complained plan the team. Meant complained the the had the "
    "prototype schedule for managment also with also could then budget that the "
    "delivered delivered also the prototype to other finish asked the the wrong "
    "deadline could with the was complained budget that decided for supplier also the"
    " wrong for decided the that prototype then deadline also wrong because before "
    "was budget deadline project project teh that wrong budget which. Nobody not "
    "wrong write delivered could not was time for late deadline finish busy client "
    "schedule that client budget recieved project deadline client write new client "
    "plan then then client because wrong finish the late was who the parts late that "
    "the meant not then that before teh write teh the engineers a the budget "
    "complained parts client and not to schedule late teh not the team. Not plan "
    "decided prototype decided decided team project deadline who the was had schedule"
    " other complained decided projects the the had supplier client the was projects "
    "deadline also that supplier late the client that the and time also not report "
    "not finish then write time finish late to also because project new the delivered"
    " the with recieved nobody team and who the also the the before new plan the teh "
    "engineers with the the were client other to the could client the busy the that."
)
# 321 words of council news in plain sentences, written as one paragraph.
COUNCIL_TEXT = (
    "Several members asked about the delay in the bridge project and the cost of "
    "the temporary detour. The chair promised to ask the contractor to start work "
    "later in the day from next week onwards. The library extension is on schedule "
    "and should open to the public at the end of the summer. The library extension "
    "is on schedule and should open to the public at the end of the summer. The "
    "library extension is on schedule and should open to the public at the end of "
    "the summer. The committee reviewed the annual budget and approved the new "
    "allocation for road repairs. The treasurer explained that the contractor had "
    "requested more time because of the wet spring. The committee reviewed the "
    "annual budget and approved the new allocation for road repairs. A resident "
    "raised concerns about noise from the construction site during the early "
    "morning hours. The library extension is on schedule and should open to the "
    "public at the end of the summer. A resident raised concerns about noise from "
    "the construction site during the early morning hours. A resident raised "
    "concerns about noise from the construction site during the early morning "
    "hours. Staff will prepare a short written update for the next meeting, "
    "including a revised timeline. A resident raised concerns about noise from the "
    "construction site during the early morning hours. The library extension is on "
    "schedule and should open to the public at the end of the summer. Several "
    "members asked about the delay in the bridge project and the cost of the "
    "temporary detour. The committee reviewed the annual budget and approved the "
    "new allocation for road repairs. A resident raised concerns about noise from "
    "the construction site during the early morning hours. The committee reviewed "
    "the annual budget and approved the new allocation for road repairs. The "
    "library extension is on schedule and should open to the public at the end of "
    "the summer."
)
# One run-on sentence of 84 words without a full stop.
RUN_ON_SENTENCE = (
    "so basically the the project was late becuase we didnt have the the resources "
    "and also the team was not informed and then the manager said that we should "
    "continue anyway and so we continued but then the budget ran out and nobody new "
    "what to do and the client was angry and we tried to fix it but it was to late "
    "and the the report was never finished and everyone was confused about what "
    "happend next and why it happend at all"
)
# The sentence written three times per paragraph, in four paragraphs.
REPEATED_REPORT = "\n\n".join([" ".join([RUN_ON_SENTENCE] * 3)] * 4)


def analyze_text(text: str, detected_type: str = "text") -> QualityResult:
    page = Page(number=1, method="native", chars=len(text), text=text)
    document = ExtractedDocument(
        path="notes.txt", detected_type=detected_type, language="en", pages=[page]
    )
    return analyze_quality(document, Settings())


def issue_codes(result: QualityResult) -> set[str]:
    return {issue.code for issue in result.issues}


def test_one_line_text_is_wall_of_text() -> None:
    result = analyze_text(RUN_ON_TEXT)
    issue = next(issue for issue in result.issues if issue.code == "wall_of_text")
    assert "431 words" in issue.message
    assert issue.recommendation in result.recommendations
    assert result.structure_score == 30.0
    assert result.metrics["paragraphs"] == 1


def test_wall_of_text_fails_review() -> None:
    result = analyze_text(RUN_ON_TEXT)
    assert result.overall_score < Settings().quality.review_threshold


@pytest.mark.parametrize("detected_type", ["text", "markdown", "docx", "pdf"])
def test_one_line_wall_for_every_type(detected_type: str) -> None:
    result = analyze_text(RUN_ON_TEXT, detected_type)
    assert "wall_of_text" in issue_codes(result)


def test_hard_wrapped_paragraph_is_wall_of_text() -> None:
    wrapped = "\n".join(RUN_ON_TEXT[i : i + 70] for i in range(0, 2500, 70))
    result = analyze_text(wrapped)
    assert "wall_of_text" in issue_codes(result)
    assert result.structure_score == 30.0


def test_wrapped_pdf_lines_not_wall_of_text() -> None:
    # A PDF text layer seldom has blank lines between paragraphs.
    wrapped = "\n".join(RUN_ON_TEXT[i : i + 70] for i in range(0, 2500, 70))
    result = analyze_text(wrapped, "pdf")
    assert "wall_of_text" not in issue_codes(result)


def test_text_in_paragraphs_not_wall_of_text() -> None:
    sentences = RUN_ON_TEXT.split(". ")
    result = analyze_text(".\n\n".join(sentences))
    assert "wall_of_text" not in issue_codes(result)
    assert result.metrics["paragraphs"] == len(sentences)


def test_one_line_note_stays_unscored() -> None:
    note = " ".join(RUN_ON_TEXT.split()[:120])
    result = analyze_text(note)
    assert "wall_of_text" not in issue_codes(result)
    assert result.structure_score is None
    assert "score_not_applicable" in issue_codes(result)


def analyze_headed(headings: list[tuple[int, str]]) -> QualityResult:
    page = Page(number=1, method="native", text=RUN_ON_TEXT)
    document = ExtractedDocument(
        path="notes.md", detected_type="markdown", headings=headings, pages=[page]
    )
    return analyze_quality(document, Settings())


def test_headed_text_not_wall_of_text() -> None:
    result = analyze_headed([(1, "Project review"), (2, "Next steps")])
    assert "wall_of_text" not in issue_codes(result)


def test_title_alone_is_no_structure() -> None:
    result = analyze_headed([(1, "Project review")])
    assert "wall_of_text" in issue_codes(result)


@pytest.mark.parametrize(
    "text",
    [
        f"This note summarises the council meeting.\n\n{COUNCIL_TEXT}",
        f"Dear residents,\n\n{COUNCIL_TEXT}\n\nKind regards,\nThe Council",
        f"{COUNCIL_TEXT}\n\n{COUNCIL_TEXT}",
        f"Town Council Update\n\n{COUNCIL_TEXT}",
    ],
    ids=["intro", "letter", "two-walls", "title"],
)
def test_wall_beside_short_paragraphs(text: str) -> None:
    result = analyze_text(text)
    issue = next(issue for issue in result.issues if issue.code == "wall_of_text")
    assert "of 200 words or more" in issue.message
    assert result.structure_score is not None
    assert result.structure_score <= 30.0


def test_wall_message_counts_long_paragraphs() -> None:
    result = analyze_text(f"Dear residents,\n\n{COUNCIL_TEXT}\n\n{COUNCIL_TEXT}")
    issue = next(issue for issue in result.issues if issue.code == "wall_of_text")
    assert issue.message.startswith("642 of the 644 words of running text (100%)")
    assert "in 2 paragraphs of 200 words or more" in issue.message
    assert "no headings" in issue.message


def test_short_paragraphs_not_wall_of_text() -> None:
    sentences = COUNCIL_TEXT.split(". ")
    paragraphs = [". ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6)]
    result = analyze_text("Town Council Update\n\n" + ".\n\n".join(paragraphs))
    assert "wall_of_text" not in issue_codes(result)


def test_minor_long_paragraph_not_wall_of_text() -> None:
    # 321 of 752 words of running text are in the long paragraph, under 70%.
    short = [sentence + "." for sentence in RUN_ON_TEXT.rstrip(".").split(". ")]
    result = analyze_text("\n\n".join([COUNCIL_TEXT, *short]))
    assert result.metrics["paragraphs"] == 7
    assert "repeated_phrase" not in issue_codes(result)
    assert "wall_of_text" not in issue_codes(result)


def test_repeated_run_on_sentences_are_long() -> None:
    result = analyze_text(REPEATED_REPORT)
    issue = next(issue for issue in result.issues if issue.code == "long_sentences")
    assert "repeated_phrase" in issue_codes(result)
    assert result.readability_score is None
    assert "The longest has 252 words" in issue.message


def test_repeated_short_phrase_not_long_sentences() -> None:
    phrase = "the quick brown fox jumps over the lazy dog near our old red barn "
    result = analyze_text(phrase * 20)
    assert "repeated_phrase" in issue_codes(result)
    assert "long_sentences" not in issue_codes(result)


def test_one_line_filler_not_wall_of_text() -> None:
    result = analyze_text("buffalo " * 300)
    assert "few_distinct_words" in issue_codes(result)
    assert "wall_of_text" not in issue_codes(result)


@pytest.mark.parametrize(
    ("text", "blank_line_breaks", "expected"),
    [
        ("one line", True, 1),
        ("first\nsecond\n\nthird", True, 2),
        ("first\nsecond\n \nthird", True, 2),
        ("first\nsecond\n\nthird", False, 3),
        ("words\n\n---\n\n", True, 1),
    ],
)
def test_count_paragraphs(text: str, blank_line_breaks: bool, expected: int) -> None:
    assert count_paragraphs([text], blank_line_breaks) == expected
