"""Where each person lands: a new learner on the one next thing, an admin on the programme, and a
frame of a top bar plus the tabs of their main role, the language choice inside the menu."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CONTENT = Path(__file__).resolve().parents[2] / "content"
TABS = re.compile(r'<nav class="tab-bar"[^>]*>(.*?)</nav>', re.S)


def tab_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', TABS.search(html).group(1))


@pytest.fixture(scope="module")
def real_courses(app):
    result = app.test_cli_runner().invoke(args=["load-content", str(CONTENT)])
    assert result.exit_code == 0, result.output


@pytest.fixture
def english(client):
    client.set_cookie("lang", "en")
    return client


def test_a_new_learner_lands_on_the_one_next_step_not_a_list_of_locked_ones(
    english, auth, make_user, real_courses
):
    auth.login(make_user("learner"))
    html = english.get("/dashboard").text
    assert "Your next step" in html
    next_step = html.split('id="next-step"')[1].split("</section>")[0]
    assert next_step.count('class="button big"') == 1  # one primary action
    assert "/path/think-coop" in next_step
    assert 'class="path-step locked"' not in html  # the locked steps wait on the path page
    assert "more steps open later" in html and 'href="/path"' in html


def test_an_admin_lands_on_the_programme_figures_not_a_learning_path(english, auth, make_user):
    for _ in range(3):
        make_user("learner")
    auth.login(make_user("admin"))
    html = english.get("/dashboard").text
    assert "The programme today" in html and "Your next step" not in html
    figures = html.split('class="home-figures"')[1].split("</ul>")[0]
    assert re.search(r"<strong>\d+</strong> learners", figures)
    assert 'href="/programme"' in html


@pytest.mark.parametrize(
    ("role", "tabs"),
    [
        ("learner", ["/dashboard", "/path", "/market/", "/profile"]),
        ("trainer", ["/dashboard", "/cohorts", "/courses", "/profile"]),
        ("coach", ["/dashboard", "/coach", "/projects/review", "/market/", "/profile"]),
        ("admin", ["/dashboard", "/admin/users", "/programme", "/profile"]),
    ],
)
def test_each_role_has_its_own_few_tabs(english, auth, make_user, role, tabs):
    auth.login(make_user(role))
    assert tab_links(english.get("/dashboard").text) == tabs


def test_a_visitor_has_tabs_and_the_language_choice_sits_in_the_menu(english):
    html = english.get("/").text
    assert tab_links(html) == ["/", "/courses", "/market/", "/login"]
    menu = html.split('<details class="menu-box">')[1].split("</details>")[0]
    assert 'name="lang" value="ar"' in menu  # the switch is in the menu, not in the bar
    assert html.count('name="lang" value="ar"') == 1


def test_the_home_page_says_who_it_is_for_and_counts_what_it_has_done(english, make_user):
    def figures():
        html = english.get("/").text
        block = html.split('aria-labelledby="figures-title"')[1].split("</ul>")[0]
        found = re.findall(r"<strong>(\d+)</strong> (\w+)", block)
        return {label.rstrip("s"): int(count) for count, label in found}, html

    before, html = figures()
    assert set(before) == {"learner", "certificate", "cooperative"}
    assert "Who it is for, who runs it" in html
    make_user("learner")
    assert figures()[0]["learner"] == before["learner"] + 1
