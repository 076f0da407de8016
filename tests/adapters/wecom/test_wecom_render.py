"""Replies as WeCom messages: within its size limits, buttons only where a press is answered,
user text that can never become a link or an @all."""

from __future__ import annotations

from kam_bot.adapters.wecom.render import MAX_CARDS, MAX_TEXTS, TEXT_BYTES, messages
from kam_bot.domain.enums import Locale
from kam_bot.handlers.replies import Action, Line, Reply, Section, user


def done(n: int) -> list[Action]:
    return [
        Action(action_id="promise.done", label="Done", value=str(n)),
        Action(action_id="promise.snooze_1", label="Snooze 1 day", value=str(n)),
        Action(action_id="visit.edit", label="Edit", value=str(n)),  # not answered in WeCom
    ]


def test_a_long_reply_is_split_between_lines_within_2048_bytes() -> None:
    lines = [Line.of(f"#{i} ", user("报价" * 60)) for i in range(40)]
    out = messages(Reply(title="Promises", sections=[Section(lines=lines)]), Locale.ZH_HANS)
    assert 1 < len(out) <= MAX_TEXTS and all(m.msgtype == "text" for m in out)
    assert all(len(m.content["content"].encode()) <= TEXT_BYTES for m in out)
    assert out[0].content["content"].startswith("Promises\n#0 ")
    assert out[-1].content["content"].endswith("…")  # the rest cut, said so


def test_a_reminder_is_its_text_then_a_card_per_promise_with_its_buttons() -> None:
    sections = [Section(lines=[Line.of(f"#{i} call Li — due today")], actions=done(i)) for i in range(6)]
    out = messages(Reply(title="Good morning", sections=sections), Locale.EN)
    text, cards = out[0], out[1:]
    assert "#5 call Li" in text.content["content"] and "type the line" in text.content["content"]
    assert len(cards) == MAX_CARDS
    assert [b["key"] for b in cards[0].content["button_list"]] == ["promise.done|0", "promise.snooze_1|0"]
    assert all(len(b["text"]) <= 10 for c in cards for b in c.content["button_list"])


def test_a_short_reply_with_buttons_is_one_card() -> None:
    reply = Reply(sections=[Section(lines=[Line.of("Promise saved: #3 quote")])],
                  actions=[Action(action_id="promise.cancel", label="Undo", value="3")])  # fmt: skip
    [card] = messages(reply, Locale.EN)
    assert card.msgtype == "template_card"
    assert card.content["sub_title_text"] == "Promise saved: #3 quote"


def test_user_text_never_links_or_mentions_everyone() -> None:
    reply = Reply.text(Line.of("Saved: ", user("@all <a href='http://x'>pay</a> @所有人")))
    [text] = messages(reply, Locale.EN)
    shown = text.content["content"]
    assert "@all" not in shown and "@所有人" not in shown and "<a" not in shown
    assert "@\u200ball" in shown and "＜a href='http://x'＞pay" in shown


def test_a_refusal_is_marked() -> None:
    [text] = messages(Reply.text("No account matches", ok=False), Locale.EN)
    assert text.content["content"].startswith("⚠️ No account matches")
