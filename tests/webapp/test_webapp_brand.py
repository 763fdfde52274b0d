"""The brand settings: a colour that cannot carry readable text is refused, a logo is bounded,
and the dark scheme's colours are derived until they read at WCAG AA."""

from __future__ import annotations

from pathlib import Path

import pytest

from functions.colours import AA_TEXT, DARK_PAGE, WHITE, contrast_ratio, mix, readable_on
from webapp.brand import DEFAULT_PRIMARY, MAX_LOGO_BYTES, NEGATIVE, POSITIVE, brand_from_env
from webapp.config import ConfigError, config_from_env
from webapp.hardening import content_security_policy, security_headers
from webapp.theme import brand_style, head_html, logo_html


def test_contrast_ratio_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    # The first version's button colour, as axe measured it: 3.06:1 (fails AA).
    assert contrast_ratio("#5898d4", WHITE) == pytest.approx(3.06, abs=0.01)
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


def test_every_default_colour_reads_at_aa_in_light_and_dark() -> None:
    brand = brand_from_env({})
    assert brand.primary == DEFAULT_PRIMARY
    assert contrast_ratio(brand.primary, WHITE) >= AA_TEXT  # white text on buttons
    for light, dark in (
        (brand.primary, brand.primary_on_dark),
        (POSITIVE, brand.positive_on_dark),
        (NEGATIVE, brand.negative_on_dark),
    ):
        assert contrast_ratio(light, WHITE) >= AA_TEXT
        assert contrast_ratio(dark, DARK_PAGE) >= AA_TEXT


@pytest.mark.parametrize("colour", ["#5898d4", "#ffcc00", "#ffffff", "#21ba45"])
def test_a_primary_colour_too_light_for_white_text_is_refused(colour: str) -> None:
    refused = r"APP_PRIMARY_COLOR .* at \d\.\d\d:1; WCAG AA needs 4\.5:1"
    with pytest.raises(ConfigError, match=refused):
        config_from_env({"APP_PRIMARY_COLOR": colour})


@pytest.mark.parametrize("raw", ["blue", "#12345", "#1234567", "1a5fb4", "#12g456", "red;x:y"])
def test_a_primary_colour_that_is_not_hex_is_refused(raw: str) -> None:
    with pytest.raises(ConfigError, match="#rrggbb"):
        config_from_env({"APP_PRIMARY_COLOR": raw})


def test_a_dark_brand_colour_gets_a_readable_tint_on_the_dark_page() -> None:
    config = config_from_env({"APP_PRIMARY_COLOR": "#0B5394"})
    brand = config.brand
    assert brand.primary == "#0b5394"
    assert contrast_ratio(brand.primary, DARK_PAGE) < AA_TEXT  # as given: unreadable there
    assert contrast_ratio(brand.primary_on_dark, DARK_PAGE) >= AA_TEXT
    assert brand.primary_on_dark == readable_on("#0b5394", DARK_PAGE)
    assert mix("#000000", "#ffffff", 0.5) == "#808080"


def test_a_logo_file_is_served_by_the_app_and_bounded(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    brand = config_from_env({"APP_LOGO": str(logo)}).brand
    assert brand.logo_url == "/brand/logo.svg"
    assert brand.logo_file == logo
    assert brand.logo_type == "image/svg+xml"
    assert brand.logo_origin == ""  # same site: the CSP stays as it is
    big = tmp_path / "big.png"
    big.write_bytes(b"\0" * (MAX_LOGO_BYTES + 1))
    with pytest.raises(ConfigError, match="larger than 512 KiB"):
        config_from_env({"APP_LOGO": str(big)})
    with pytest.raises(ConfigError, match="names no file"):
        config_from_env({"APP_LOGO": str(tmp_path / "missing.png")})
    script = tmp_path / "logo.html"
    script.write_text("<script>alert(1)</script>")
    with pytest.raises(ConfigError, match="must be one of"):
        config_from_env({"APP_LOGO": str(script)})


def test_an_external_logo_is_allowed_by_the_csp_for_its_origin_only() -> None:
    config = config_from_env({"APP_LOGO": "https://cdn.example.org/brand/logo.png"})
    assert config.brand.logo_origin == "https://cdn.example.org"
    policy = content_security_policy(config.brand.logo_origin)
    assert "img-src 'self' data: https://cdn.example.org;" in policy
    headers = dict(security_headers(False, config.brand.logo_origin))
    assert b"https://cdn.example.org" in headers[b"content-security-policy"]
    assert "https://" not in content_security_policy()  # no logo: nothing external


@pytest.mark.parametrize(
    "raw",
    [
        "http://cdn.example.org/logo.png",  # not https
        'https://x.org/a"onerror="alert(1)',  # breaks out of the attribute
        "https:///logo.png",  # no host
        "javascript:alert(1)",
        "https://cdn.example.org;script-src/x.png",  # would add a CSP directive
        "https://user@cdn.example.org/logo.png",
        "https://cdn.example.org,evil.example/logo.png",
    ],
)
def test_a_logo_url_that_could_be_abused_is_refused(raw: str) -> None:
    with pytest.raises(ConfigError, match="APP_LOGO"):
        config_from_env({"APP_LOGO": raw})


def test_the_page_head_carries_the_brand_and_versioned_files() -> None:
    brand = brand_from_env({"APP_PRIMARY_COLOR": "#0b5394"})
    style = brand_style(brand)
    assert "--brand:#0b5394" in style
    assert f"--brand-dark:{brand.primary_on_dark}" in style
    head = head_html(brand)
    assert "/static/app.css?v=" in head
    assert "/static/app.js?v=" in head
    assert "tailwind" not in head


def test_the_logo_is_the_app_name_for_readers(tmp_path: Path) -> None:
    logo = tmp_path / "l.png"
    logo.write_bytes(b"\x89PNG")
    config = config_from_env({"APP_LOGO": str(logo), "APP_NAME": 'Acme "<b>"'})
    html = logo_html(config)
    assert 'alt="Acme &quot;&lt;b&gt;&quot;"' in html
    assert logo_html(config_from_env({})) == ""
