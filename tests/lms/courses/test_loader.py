"""`lms load-content`: every fault named with file and line, nothing half-loaded, idempotent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lms.courses.models import Course, CourseAsset, Page
from tests.lms.courses.fixtures import line_of, replace_in, write_course


def load(runner, folder):
    return runner.invoke(args=["load-content", str(folder)])


def count(app, model):
    with app.app_context():
        return app.extensions["db_session"]().scalar(select(func.count()).select_from(model))


def test_a_valid_course_loads_with_pages_assets_and_quiz(app, runner, tmp_path):
    write_course(tmp_path, "valid-one")
    result = load(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert "valid-one: loaded" in result.output
    with app.app_context():
        session = app.extensions["db_session"]()
        course = session.get(Course, "valid-one")
        assert [m.id for m in course.modules] == ["start", "next"]
        page = course.modules[0].pages[0]
        assert page.title["ar"] == "01-start 01-first ar"
        assert (
            '<img alt="A circle fr" src="/courses/valid-one/assets/01-start/images/circle.svg?v='
            in page.html["fr"]
        )
        assert [q["type"] for q in course.modules[0].quiz["questions"]] == [
            "single",
            "multiple",
            "truefalse",
            "ordering",
            "matching",
            "numeric",
        ]
        assert "<strong>Talk</strong>" in course.modules[0].activity["instructions"]["en"]
        assert session.get(CourseAsset, ("valid-one", "01-start/images/circle.svg")) is not None


def test_loading_twice_changes_nothing(app, runner, tmp_path):
    write_course(tmp_path, "twice")
    assert load(runner, tmp_path).exit_code == 0
    with app.app_context():
        before = app.extensions["db_session"]().get(Course, "twice").loaded_at
    result = load(runner, tmp_path)
    assert result.exit_code == 0 and "twice: unchanged" in result.output
    with app.app_context():
        assert app.extensions["db_session"]().get(Course, "twice").loaded_at == before


def test_a_changed_course_is_replaced(app, runner, tmp_path):
    folder = write_course(tmp_path, "changing")
    assert load(runner, tmp_path).exit_code == 0
    replace_in(folder / "01-start" / "01-first.en.md", "Some text in en.", "New text.")
    result = load(runner, tmp_path)
    assert "changing: loaded" in result.output
    with app.app_context():
        page = app.extensions["db_session"]().get(Page, ("changing", "start", "01-first"))
        assert "New text." in page.html["en"]


def test_a_changed_course_keeps_progress_on_unchanged_pages(app, runner, tmp_path, make_user):
    from tests.conftest import AuthActions
    from tests.lms.courses.helpers import read_pages

    folder = write_course(tmp_path, "keeper")
    assert load(runner, tmp_path).exit_code == 0
    learner = make_user("learner")
    client = app.test_client()
    AuthActions(client).login(learner)
    read_pages(client, app, "keeper", "start")
    module = folder / "01-start"
    for lang in ("fr", "en", "ar"):
        (module / f"02-second.{lang}.md").rename(module / f"02-rewritten.{lang}.md")
    replace_in(module / "module.toml", '"02-second"', '"02-rewritten"')
    assert "keeper: loaded" in load(runner, tmp_path).output
    from lms.courses import services

    with app.test_request_context():
        status = services.course_status(app.extensions["db_session"](), learner, "keeper")
    start = status.module("start")
    assert status.enrolled and (start.pages_seen, start.pages_total) == (1, 2)
    assert start.seen_ids == {"01-first"}


def faults_of(runner, root):
    result = load(runner, root)
    assert result.exit_code != 0
    assert "nothing was loaded" in result.output
    return result.output


FAULTS = [
    # (what to break, file relative to the course, old, new, fragment on the faulty line, problem)
    (
        "missing language",
        "course.toml",
        'ar = "ملخص"\n',
        "",
        "[summary]",
        "summary: missing language ar",
    ),
    (
        "unknown type",
        "01-start/quiz.toml",
        'type = "numeric"',
        'type = "essay"',
        'type = "essay"',
        "unknown question type 'essay'",
    ),
    (
        "no right answer",
        "01-start/quiz.toml",
        'id = "members", correct = true,',
        'id = "members",',
        "choices = [",
        "exactly one right answer",
    ),
    (
        "duplicate question id",
        "01-start/quiz.toml",
        'id = "why"',
        'id = "owner"',
        None,
        "duplicate question id 'owner'",
    ),
    (
        "duplicate choice id",
        "01-start/quiz.toml",
        'id = "state"',
        'id = "members"',
        None,
        "duplicate id 'members' in choices",
    ),
    (
        "module missing",
        "course.toml",
        '"01-start"',
        '"01-gone"',
        "modules =",
        "module '01-gone' is listed but its folder is missing",
    ),
    (
        "page missing",
        "01-start/module.toml",
        '"02-second"',
        '"03-third"',
        "pages =",
        "page '03-third' is missing in language fr",
    ),
    (
        "too few pages",
        "01-start/module.toml",
        ', "02-second"',
        "",
        "pages =",
        "1 pages listed, a module has 2 to 8",
    ),
    (
        "unknown prerequisite",
        "course.toml",
        "prerequisites = []",
        'prerequisites = ["nowhere"]',
        "prerequisites",
        "unknown prerequisite 'nowhere'",
    ),
    (
        "broken picture",
        "01-start/01-first.fr.md",
        "images/circle.svg",
        "images/square.svg",
        "square.svg",
        "broken picture: 'images/square.svg' does not exist",
    ),
    (
        "picture without alt",
        "01-start/01-first.en.md",
        "[A circle en]",
        "[]",
        "![](",
        "has no alt text",
    ),
    (
        "broken download",
        "01-start/02-second.en.md",
        "Some text in en.",
        "[Worksheet](../files/sheet.csv)",
        "Worksheet",
        "broken link: '../files/sheet.csv' does not exist",
    ),
    (
        "page without title",
        "01-start/02-second.ar.md",
        "# ",
        "",
        None,
        "the first line must be the title",
    ),
    (
        "invalid toml",
        "02-next/module.toml",
        'pages = ["01-first"',
        'pages = ["01-first" "x"',
        None,
        "invalid TOML",
    ),
    (
        "bad level",
        "course.toml",
        'level = "beginner"',
        'level = "expert"',
        "level =",
        "level: must be one of",
    ),
    (
        "numeric without answer",
        "01-start/quiz.toml",
        "answer = 1000\n",
        "",
        None,
        "no right answer (answer = a number)",
    ),
    (
        "truefalse without answer",
        "01-start/quiz.toml",
        "answer = true\n",
        "",
        None,
        "no right answer (answer = true or false)",
    ),
    (
        "ordering with two items",
        "01-start/quiz.toml",
        '  { id = "vote", text = { fr = "Vote (fr)", en = "Vote", ar = "Vote (ar)" } },\n',
        "",
        "items = [",
        "ordering needs 3 to 6 items",
    ),
    (
        "activity kind",
        "02-next/activity.toml",
        'kind = "group"',
        'kind = "party"',
        "kind =",
        "kind: must be one of",
    ),
    ("activity missing", "02-next/activity.toml", None, None, None, "file is missing"),
    (
        "course id is not the folder",
        "course.toml",
        'id = "broken"',
        'id = "other"',
        'id = "other"',
        "must be the folder name",
    ),
    (
        "duplicate module id",
        "02-next/module.toml",
        'id = "next"',
        'id = "start"',
        None,
        "duplicate module id 'start'",
    ),
    (
        "page without a picture",
        "01-start/02-second.ar.md",
        "![A circle ar](images/circle.svg)\n",
        "",
        "# 01-start 02-second ar",
        "the page has no picture",
    ),
    (
        "quiz of recall questions",
        "02-next/quiz.toml",
        "scenario = true\n",
        "",
        "[[questions]]",
        "only 2 of 6 questions are scenarios (scenario = true)",
    ),
    (
        "scenario mark that is not true or false",
        "01-start/quiz.toml",
        "scenario = true",
        'scenario = "yes"',
        'scenario = "yes"',
        "question 'owner': scenario must be true or false",
    ),
]


@pytest.mark.parametrize("case", FAULTS, ids=[c[0] for c in FAULTS])
def test_each_fault_is_reported_with_file_and_line_and_nothing_loads(app, runner, tmp_path, case):
    _name, relative, old, new, fragment, problem = case
    folder = write_course(tmp_path, "broken")
    path = folder / relative
    if old is None:
        path.unlink()
    else:
        replace_in(path, old, new)
    courses_before = count(app, Course)
    output = faults_of(runner, tmp_path)
    line = line_of(path, fragment) if fragment else None
    expected_prefix = f"{path}:{line}:" if line else f"{path}:"
    lines = [out for out in output.splitlines() if out.startswith(expected_prefix)]
    assert lines, output
    if problem:
        assert any(problem in out for out in lines), output
    assert count(app, Course) == courses_before


def test_a_multiple_choice_question_without_right_answer_is_refused(runner, tmp_path):
    folder = write_course(tmp_path, "broken")
    quiz = folder / "01-start" / "quiz.toml"
    replace_in(quiz, 'id = "price", correct = true,', 'id = "price",')
    replace_in(quiz, 'id = "press", correct = true,', 'id = "press",')
    output = faults_of(runner, tmp_path)
    line = (
        line_of(
            quiz,
            "choices = [",
        )
        if False
        else line_of(quiz, '"price"') - 1
    )
    assert f"{quiz}:{line}: question 'why': no right answer" in output


def test_invalid_toml_names_the_line_of_the_syntax_error(runner, tmp_path):
    folder = write_course(tmp_path, "broken")
    replace_in(folder / "course.toml", "estimated_minutes = 60", "estimated_minutes = = 60")
    output = faults_of(runner, tmp_path)
    assert f"{folder / 'course.toml'}:5: invalid TOML" in output


def test_a_fault_in_one_course_loads_no_course(app, runner, tmp_path):
    write_course(tmp_path, "fine-course")
    bad = write_course(tmp_path, "bad-course")
    (bad / "01-start" / "quiz.toml").write_text("", encoding="utf-8")
    output = faults_of(runner, tmp_path)
    assert "at least 5 are needed" in output
    with app.app_context():
        assert app.extensions["db_session"]().get(Course, "fine-course") is None


def test_a_missing_folder_is_a_clear_error(runner, tmp_path):
    result = load(runner, tmp_path / "nowhere")
    assert result.exit_code != 0 and "no such folder" in result.output


def test_the_real_content_loads(app, runner):
    from pathlib import Path

    content = Path(__file__).resolve().parents[3] / "content"
    result = load(runner, content)
    assert result.exit_code == 0, result.output
    with app.app_context():
        ids = [
            c.id
            for c in app.extensions["db_session"]().scalars(
                select(Course).order_by(Course.position)
            )
        ]
    real = ["think-coop", "start-coop", "my-coop"]
    assert [i for i in ids if i in real] == real


LIMITS = "\n[page_limits]\nmax_words = 20\nmax_paragraphs = 2\n"


def test_a_page_over_the_course_word_limit_fails_at_the_line_that_crosses_it(runner, tmp_path):
    folder = write_course(tmp_path, "broken")
    (folder / "course.toml").write_text(
        (folder / "course.toml").read_text(encoding="utf-8") + LIMITS, encoding="utf-8"
    )
    page = folder / "01-start" / "01-first.fr.md"
    replace_in(
        page,
        "Some text in fr.",
        "Fatima presse l'argan seule, chaque soir.\n"
        "Elle vend son huile au souk de Taroudant.\n"
        "L'intermédiaire paie très peu, alors elle reste pauvre.",
    )
    output = faults_of(runner, tmp_path)
    assert f"{page}:{line_of(page, 'intermédiaire')}: the page passes 20 words here" in output
    # the other pages are short enough: only this one is named
    assert output.count("passes 20 words") == 1


def test_a_page_with_more_paragraphs_than_the_limit_fails_at_the_extra_paragraph(runner, tmp_path):
    folder = write_course(tmp_path, "broken")
    (folder / "course.toml").write_text(
        (folder / "course.toml").read_text(encoding="utf-8") + LIMITS, encoding="utf-8"
    )
    page = folder / "02-next" / "02-second.en.md"
    # a heading is no paragraph and a list is one; the third block of text is one too many
    replace_in(page, "Some text in en.", "One.\n\n## Two\n\n- a\n- b\n\nThree.")
    output = faults_of(runner, tmp_path)
    assert f"{page}:{line_of(page, 'Three.')}: paragraph 3: a page has at most 2" in output


def test_page_limits_must_be_numbers(runner, tmp_path):
    folder = write_course(tmp_path, "broken")
    course = folder / "course.toml"
    course.write_text(
        course.read_text(encoding="utf-8") + LIMITS.replace("= 20", '= "short"'),
        encoding="utf-8",
    )
    output = faults_of(runner, tmp_path)
    assert f"{course}:{line_of(course, 'max_words')}: max_words: must be a number" in output


GLOSSARY = {
    "en": """[[terms]]
term = "statutes"
meaning = "The founding text of the cooperative."
avoid = ["by-laws", "bylaws"]
""",
    "fr": """[[terms]]
term = "statuts"
meaning = "Le texte fondateur."
""",
    "ar": """[[terms]]
term = "القانون رقم 112.12"
meaning = "قانون التعاونيات."
avoid = ["قانون 112-12", "زبائن"]
""",
}


def write_glossary(root, langs=("fr", "en", "ar")):
    (root / "glossary").mkdir()
    for lang in langs:
        (root / "glossary" / f"{lang}.toml").write_text(GLOSSARY[lang], encoding="utf-8")


def test_a_term_the_glossary_says_to_avoid_fails_the_load_with_file_and_line(app, runner, tmp_path):
    folder = write_course(tmp_path, "broken")
    write_glossary(tmp_path)
    courses_before = count(app, Course)
    page = folder / "01-start" / "01-first.en.md"
    replace_in(page, "Some text in en.", "Read the\nBy-laws together.")
    arabic = folder / "02-next" / "02-second.ar.md"
    replace_in(arabic, "Some text in ar.", "تطبّق التعاونية قانون 112-12.")
    quiz = folder / "02-next" / "quiz.toml"
    replace_in(
        quiz,
        '{ fr = "Who owns it? (fr)", en = "Who owns it?"',
        '{ fr = "Who owns it? (fr)", en = "Who wrote the bylaws?"',
    )
    output = faults_of(runner, tmp_path)
    assert (
        f"{page}:{line_of(page, 'By-laws')}: 'by-laws' is on the en glossary's avoid list: "
        "write 'statutes'"
    ) in output
    assert f"{arabic}:{line_of(arabic, '112-12')}: 'قانون 112-12' is on the ar glossary" in output
    assert f"{quiz}:{line_of(quiz, 'bylaws')}: 'bylaws' is on the en glossary" in output
    # Arabic joins "for the" to the word: «للزبائن» is the avoided «زبائن»
    replace_in(arabic, "تطبّق التعاونية قانون 112-12.", "نبيع للزبائن.")
    assert f"{arabic}:{line_of(arabic, 'للزبائن')}: 'زبائن' is on the ar glossary" in faults_of(
        runner, tmp_path
    )
    assert count(app, Course) == courses_before


def test_the_glossary_matches_whole_words_and_only_the_page_language(runner, tmp_path):
    folder = write_course(tmp_path, "fine")
    write_glossary(tmp_path)
    # a French page may quote the English word; "by-lawsuit" is another word
    replace_in(folder / "01-start" / "01-first.fr.md", "Some text in fr.", "En anglais : by-laws.")
    replace_in(folder / "01-start" / "01-first.en.md", "Some text in en.", "A by-lawsuit.")
    result = load(runner, tmp_path)
    assert result.exit_code == 0, result.output


def test_a_glossary_missing_a_language_or_a_meaning_is_a_fault(runner, tmp_path):
    write_course(tmp_path, "fine")
    write_glossary(tmp_path, langs=("fr", "en"))
    english = tmp_path / "glossary" / "en.toml"
    replace_in(english, 'meaning = "The founding text of the cooperative."\n', "")
    output = faults_of(runner, tmp_path)
    assert f"{tmp_path / 'glossary' / 'ar.toml'}:1: the glossary has no ar file" in output
    assert f"{english}:1: glossary term 'statutes': meaning" in output


def test_a_suggested_predecessor_orders_the_catalogue_without_locking_the_course(
    app, runner, tmp_path
):
    first = write_course(tmp_path, "aaa-managers")
    write_course(tmp_path, "bbb-founders")
    course = first / "course.toml"
    replace_in(
        course, "prerequisites = []", 'prerequisites = []\nsuggested_after = ["bbb-founders"]'
    )
    result = load(runner, tmp_path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        session = app.extensions["db_session"]()
        managers, founders = (
            session.get(Course, "aaa-managers"),
            session.get(Course, "bbb-founders"),
        )
        # alphabetically first, but listed after the course it follows on the suggested path
        assert founders.position < managers.position
        assert managers.prerequisites == []


def test_an_unknown_suggested_predecessor_is_a_fault(runner, tmp_path):
    folder = write_course(tmp_path, "broken")
    course = folder / "course.toml"
    replace_in(course, "prerequisites = []", 'prerequisites = []\nsuggested_after = ["nowhere"]')
    output = faults_of(runner, tmp_path)
    assert (
        f"{course}:{line_of(course, 'suggested_after')}: suggested_after: unknown course" in output
    )
