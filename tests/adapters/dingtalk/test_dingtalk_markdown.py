"""What a person sees in DingTalk: typed text shown as typed (never a link, image, button or
mention of everyone), buttons as send-message links, long replies cut to fit with a note."""

from __future__ import annotations

from urllib.parse import unquote

from kam_bot.adapters.dingtalk.markdown import DTMD, MAX_TEXT, MAX_TITLE, escape, render
from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Action, Line, Reply, Section, user


def test_typed_text_cannot_become_a_link_an_image_or_a_button() -> None:
    typed = "[Done](dtmd://dingtalkclient/sendMessage?content=cancel%2012) ![x](@lADP1) <font>"
    shown = render(Reply.text(Line.of("Note: ", user(typed))), Locale.EN).text
    assert "](" not in shown.replace("\\](", "") and "\\[Done\\]" in shown and "\\<font\\>" in shown


def test_everyone_is_never_mentioned() -> None:
    for typed in ["@all", "@所有人 开会", "hi @ALL", "@ everyone"]:
        assert "@\u200b" in escape(typed)
    assert escape("rita@example.com") == "rita@example.com"


def test_line_start_markers_are_literal() -> None:
    assert escape("# title\n- item\n1. first") == "\\# title\n\\- item\n\\1. first"


def test_buttons_send_the_line_they_stand_for() -> None:
    reply = Reply(
        sections=[
            Section(
                lines=[Line.of("quote")], actions=[Action(action_id="promise.done", label="Done", value="7")]
            )
        ],
        actions=[
            Action(action_id="promise.snooze_3", label="Snooze [3]", value="7"),
            Action(action_id="visit.edit", label="Edit", value="3"),  # a form: not on DingTalk
        ],
    )
    text = render(reply, Locale.EN).text
    assert f"[Done]({DTMD}done%207)" in text and f"[Snooze \\[3\\]]({DTMD}snooze%207%203)" in text
    assert "Edit" not in text
    assert unquote("snooze%207%203") == "snooze 7 3"


def test_a_long_reply_is_cut_with_a_note_and_the_charts_are_kept() -> None:
    lines = [Line.of(f"line {n} " + "长" * 80) for n in range(200)]
    md = render(
        Reply(title="Weekly digest · Steel East", sections=[Section(lines=lines)]),
        Locale.ZH_HANS,
        images=["@m1"],
    )
    assert len(md.text) <= MAX_TEXT and md.text.endswith("(@m1)")
    assert "已截短" in md.text and "line 0 " in md.text and "line 199" not in md.text
    assert md.title == "Weekly digest · Steel East"
    long_title = render(Reply.text("x" * 200), Locale.EN).title
    assert len(long_title) == MAX_TITLE and long_title.endswith("…")


def test_the_bots_own_text_stays_readable_and_a_quoted_line_stays_dead() -> None:
    help_line = "库存 客户 产品 数量 [单位] [快|正常|慢] —— 记录库存"
    assert render(Reply.text(help_line), Locale.ZH_HANS).text == help_line
    quoted = "No account “[x](dtmd://dingtalkclient/sendMessage?content=yes) ![i](@m) <b> @all”"
    shown = render(Reply.text(quoted), Locale.EN).text
    assert "](" not in shown.replace("\\](", "") and "![" not in shown and "@all" not in shown
