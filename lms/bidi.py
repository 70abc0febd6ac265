"""People's and places' names isolated from the text around them, for right-to-left pages.

Inside an Arabic sentence the Unicode bidi algorithm reorders a Latin name with its neighbours:
"Youssef (trainer):" shows its brackets and colon on the wrong side. <bdi> makes the name a
directional island (HTML "bdi element"; Unicode UAX #9, isolates) whatever its script.
"""

from __future__ import annotations

from markupsafe import Markup, escape


def isolate(value) -> Markup:
    """`value`, escaped, in a <bdi>; nothing at all for an empty value."""
    if value is None or value == "":
        return Markup("")
    return Markup("<bdi>{}</bdi>").format(value)


def with_names(sentence: str, **names) -> Markup:
    """A translated sentence with its %(placeholders)s filled by isolated, escaped names.

    `sentence` comes from gettext without variables, so its placeholders are still there:
    `with_names(_("%(name)s is certified."), name=learner.display_name)`.
    """
    return escape(sentence) % {key: isolate(value) for key, value in names.items()}
