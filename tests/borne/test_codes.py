from django.core.cache import cache

from accueil.borne import codes, ratelimit


def test_codes_use_an_unambiguous_alphabet_and_do_not_repeat():
    assert not set("0O1IL2Z5S8BUV") & set(codes.ALPHABET)
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) >= 20
    drawn = {codes.random_code(codes.BOOKING_CODE_LENGTH) for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(len(c) >= 6 and set(c) <= set(codes.ALPHABET) for c in drawn)
    assert len(codes.ALPHABET) ** codes.BOOKING_CODE_LENGTH > 10**10


def test_normalize_and_format():
    assert codes.normalize(" ac7k-x9m3 ") == "AC7KX9M3"
    assert codes.format_code("AC7KX9M3") == "AC7K X9M3"


def test_rate_limit_window(settings):
    settings.BORNE_RATE_LIMITS = {"ticket": "2/m"}
    cache.delete_pattern("borne:rl:*")
    assert ratelimit.hit("ticket", "k") and ratelimit.hit("ticket", "k")
    assert not ratelimit.hit("ticket", "k")
    assert ratelimit.hit("ticket", "other")
    assert ratelimit.parse("30/h") == (30, 3600) and ratelimit.parse("5/10m") == (5, 600)
