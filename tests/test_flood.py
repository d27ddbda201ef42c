"""A person sending more than the limit a minute gets one notice and is ignored until the
minute passes; other people are answered as usual."""

from __future__ import annotations

from bot.core.flood import NOTICE
from tests.factories import make_county
from tests.telegram_fakes import message_update


async def test_a_flood_is_told_once_then_ignored_and_others_are_not_delayed(
    bot_app, session, clock, settings
) -> None:  # type: ignore[no-untyped-def]
    county = make_county(session)
    app, request = bot_app
    flooder, other = county.member.telegram_user_id, county.leader.telegram_user_id
    limit = settings.flood_per_minute
    for sent in range(limit + 10):
        await app.process_update(message_update(app.bot, flooder, "/help"))
        if sent % 5 == 0:  # someone else, meanwhile, at a normal pace
            await app.process_update(message_update(app.bot, other, "/help"))
    told = request.texts(flooder)
    assert len(told) == limit + 1 and told[-1] == NOTICE
    answered = request.texts(other)
    assert len(answered) == (limit + 10 + 4) // 5 and NOTICE not in answered
    clock.advance(seconds=61)  # the minute has passed: answered again
    await app.process_update(message_update(app.bot, flooder, "/help"))
    assert request.texts(flooder)[-1].startswith("您是单位联络员")
