"""Markdown written by people is shown safely."""

from lms.markdown import render_markdown


def test_markdown_keeps_formatting_and_pictures():
    html = render_markdown("# Title\n\n**Argan** oil\n\n![A press](images/press.svg)")
    assert "<h1>Title</h1>" in html and "<strong>Argan</strong>" in html
    assert '<img alt="A press" src="images/press.svg">' in html


def test_markdown_drops_scripts_handlers_and_javascript_links():
    html = render_markdown(
        '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[x](javascript:alert(3))'
    )
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def test_tables_scroll_in_their_own_box_on_a_phone():
    html = render_markdown("| a | b |\n| --- | --- |\n| 1 | 2 |")
    assert html.startswith('<div class="table-wrap"><table>') and html.endswith("</table></div>")
