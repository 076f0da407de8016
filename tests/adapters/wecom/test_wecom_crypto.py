"""WeCom's callback crypto against WeCom's own published sample values (sbzhu/weworkapi_python
``callback/Sample.py``, the WeCom team's sample: token, EncodingAESKey, corp id, a URL check
and a text message), and against callbacks built by the test side's own code."""

from __future__ import annotations

import pytest
from wecom_callbacks import WecomSigner

from kam_bot.adapters.wecom.crypto import CallbackCrypto, CallbackError
from kam_bot.adapters.wecom.settings import aes_key_bytes

SAMPLE_TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
SAMPLE_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
SAMPLE_CORP = "ww1436e0e65a779aee"
URL_CHECK = (
    "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
    "1476416373",
    "47744683",
    "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
)
MESSAGE = (
    "0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
    "1476422779",
    "1597212914",
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew"
    "+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4"
    "ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux0"
    "82f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+",
)


def sample() -> CallbackCrypto:
    return CallbackCrypto(SAMPLE_TOKEN, aes_key_bytes(SAMPLE_KEY), SAMPLE_CORP)


def test_the_published_url_check_decrypts_to_its_echo() -> None:
    assert sample().open(*URL_CHECK) == b"1288432023552776189"


def test_the_published_message_decrypts_to_its_xml() -> None:
    message = sample().open(*MESSAGE).decode()
    assert "<FromUserName>ChenJiaShun</FromUserName>" in message and "<Content>你好</Content>" in message
    assert "<MsgId>1456453720</MsgId>" in message


def test_a_changed_signature_timestamp_or_text_is_refused() -> None:
    sig, ts, nonce, text = MESSAGE
    for changed in [
        ("0" * 40, ts, nonce, text),
        (sig, "1476422780", nonce, text),
        (sig, ts, nonce, text[:-4] + "AAA="),
    ]:
        with pytest.raises(CallbackError, match="bad signature"):
            sample().open(*changed)


def test_another_corp_id_inside_is_refused() -> None:
    other = CallbackCrypto(SAMPLE_TOKEN, aes_key_bytes(SAMPLE_KEY), "ww-someone-else")
    with pytest.raises(CallbackError, match="another corp id"):
        other.open(*MESSAGE)


def test_what_the_test_side_encrypts_the_adapter_reads_and_back() -> None:
    signer = WecomSigner(SAMPLE_TOKEN, SAMPLE_KEY, SAMPLE_CORP)
    text = "<xml><Content>拜访 宝钢 见了 王磊</Content></xml>"
    encrypted = signer.encrypt(text)
    crypto = sample()
    assert crypto.open(signer.sign("1", "2", encrypted), "1", "2", encrypted).decode() == text
    assert crypto.decrypt(crypto.encrypt(text.encode())).decode() == text


def test_an_encodingaeskey_must_be_43_base64_characters() -> None:
    for bad in ["short", SAMPLE_KEY + "x", SAMPLE_KEY[:-1] + "!"]:
        with pytest.raises(ValueError, match="not"):
            aes_key_bytes(bad)
