"""Conversation references and sent cards, on SQLite and PostgreSQL."""

from __future__ import annotations

from factories import add_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from kam_bot.bootstrap import App
from kam_bot.services.conversations import ConversationRef


def ref(external_id: str, conversation: str, user_id: int | None = None) -> ConversationRef:
    return ConversationRef(
        platform="teams",
        external_id=external_id,
        conversation_id=conversation,
        service_url="https://smba.example/teams/",
        tenant_id="t1",
        bot_id="28:bot",
        user_id=user_id,
    )


def test_a_newer_reference_replaces_the_older_one(app: App) -> None:
    rita = add_user(app, "Rita")
    app.conversation_refs.save(ref("aad-1", "a:old", rita.id))
    app.conversation_refs.save(ref("aad-1", "a:new"))  # no user id given: the known one stays
    got = app.conversation_refs.get("teams", "aad-1")
    assert got is not None
    assert (got.conversation_id, got.user_id, got.tenant_id) == ("a:new", rita.id, "t1")
    assert app.conversation_refs.get("teams", "aad-2") is None
    assert app.conversation_refs.get("slack", "aad-1") is None


def test_a_reference_another_request_stored_meanwhile_is_updated_not_an_error(app: App) -> None:
    rita = add_user(app, "Rita")
    raced = []

    def other_request_first(_session: Session) -> None:  # between our look-up and our insert
        if not raced:
            raced.append(True)
            app.conversation_refs.save(ref("aad-1", "a:other", rita.id))

    event.listen(Session, "before_commit", other_request_first)
    try:
        app.conversation_refs.save(ref("aad-1", "a:mine"))
    finally:
        event.remove(Session, "before_commit", other_request_first)
    got = app.conversation_refs.get("teams", "aad-1")
    assert raced and got is not None
    assert (got.conversation_id, got.user_id) == ("a:mine", rita.id)


def test_known_says_who_can_be_written_to_first(app: App) -> None:
    app.conversation_refs.save(ref("aad-1", "a:1"))
    app.conversation_refs.save(ref("aad-3", "a:3"))
    assert app.conversation_refs.known("teams", ["aad-1", "aad-2", "aad-3"]) == {"aad-1", "aad-3"}
    assert app.conversation_refs.known("teams", []) == set()


def test_a_sent_card_is_kept_and_replaced(app: App) -> None:
    app.conversation_refs.save_card("teams", "act-1", {"reply": {"title": "one"}})
    app.conversation_refs.save_card("teams", "act-1", {"reply": {"title": "two"}})
    assert app.conversation_refs.card("teams", "act-1") == {"reply": {"title": "two"}}
    assert app.conversation_refs.card("teams", "act-2") is None
