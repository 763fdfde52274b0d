"""The texts of every email, in English and Japanese.

Pure functions from (settings, locale, values) to subject, text and HTML. The app name is
HTML-escaped wherever it lands in HTML; the one-time code is digits only. Cognito's own emails
keep the placeholders Cognito hands us (request.codeParameter, request.usernameParameter), which
it replaces after the trigger returns and without which it rejects the message.
"""

from __future__ import annotations

import html
from typing import Final, NamedTuple


class EmailContent(NamedTuple):
    subject: str
    text: str
    html: str


def describe_duration(seconds: int, locale: str) -> str:
    """180 -> "3 minutes" / "3分"; 90 -> "1 minute 30 seconds" / "1分30秒"; 45 -> "45 seconds"."""
    minutes, rest = divmod(max(0, seconds), 60)
    if locale == "ja":
        return (f"{minutes}分" if minutes else "") + (f"{rest}秒" if rest or not minutes else "")
    parts = []
    if minutes:
        parts.append(f"{minutes} minute" + ("" if minutes == 1 else "s"))
    if rest or not minutes:
        parts.append(f"{rest} second" + ("" if rest == 1 else "s"))
    return " ".join(parts)


_HTML_PAGE: Final = (
    '<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
    '<body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5">'
    '<h2 style="margin:0 0 16px">{app}</h2>{body}</body></html>'
)


def _page(locale: str, app_name: str, subject: str, body_html: str) -> str:
    return _HTML_PAGE.format(
        lang=locale, title=html.escape(subject), app=html.escape(app_name), body=body_html
    )


def _code_box(code: str) -> str:
    return (
        '<p style="font-size:28px;font-weight:bold;letter-spacing:6px;margin:16px 0">'
        f"{html.escape(code)}</p>"
    )


def sign_in_code_email(app_name: str, code: str, ttl_seconds: int, locale: str) -> EmailContent:
    """The one-time code email sent by Create (the code is in the body, never the subject)."""
    lifetime = describe_duration(ttl_seconds, locale)
    safe_app = html.escape(app_name)
    if locale == "ja":
        subject = f"【{app_name}】サインイン用の認証コード"
        lines = (
            f"{app_name} へのサインインに使用する認証コードは次のとおりです。",
            f"このコードは{lifetime}間有効です。",
            "心当たりがない場合は、このメールを無視し、パスワードの変更をご検討ください。",
        )
        body = (
            f"<p>{safe_app} へのサインインに使用する認証コードは次のとおりです。</p>"
            f"{_code_box(code)}"
            f"<p>このコードは{html.escape(lifetime)}間有効です。</p>"
            f"<p>{html.escape(lines[2])}</p>"
        )
    else:
        subject = f"Your {app_name} sign-in code"
        lines = (
            f"Your {app_name} sign-in code is:",
            f"It expires in {lifetime}.",
            "If you did not try to sign in, ignore this email and consider changing your password.",
        )
        body = (
            f"<p>Your {safe_app} sign-in code is:</p>{_code_box(code)}"
            f"<p>It expires in {html.escape(lifetime)}.</p><p>{html.escape(lines[2])}</p>"
        )
    text = f"{lines[0]}\n\n    {code}\n\n{lines[1]}\n\n{lines[2]}\n"
    return EmailContent(subject=subject, text=text, html=_page(locale, app_name, subject, body))


def codes_locked_email(app_name: str, locked_seconds: int, locale: str) -> EmailContent:
    """The one notice the owner gets when wrong codes lock the account's codes.

    Wrong codes can only be typed after the password was proven, so whoever typed them knows it:
    the email says so and asks for a password change, which also lifts the lock.
    """
    duration = describe_duration(locked_seconds, locale)
    if locale == "ja":
        subject = f"【{app_name}】認証コードの送信を一時停止しました"
        lines = (
            f"{app_name} のアカウントで、正しいパスワードが入力されたあと、"
            "誤った認証コードが繰り返し入力されました。",
            f"安全のため、今後{duration}間は認証コードを送信しません。",
            "心当たりがない場合は、第三者があなたのパスワードを知っている可能性があります。"
            "すぐに「パスワードをお忘れの方」からパスワードを再設定してください。"
            "パスワードを変更すると、この一時停止も解除されます。",
        )
    else:
        subject = f"{app_name}: sign-in codes paused"
        lines = (
            f"Someone who knows your {app_name} password entered wrong sign-in codes many times.",
            f"To protect your account, no sign-in code will be sent for the next {duration}.",
            "If this was not you, someone else knows your password: change it now with "
            '"Forgot your password?". Changing it also ends the pause.',
        )
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    text = "\n\n".join(lines) + "\n"
    return EmailContent(subject=subject, text=text, html=_page(locale, app_name, subject, body))


# --- Cognito's own emails (CustomMessage trigger) -------------------------------------------

CUSTOM_MESSAGE_SOURCES: Final = (
    "CustomMessage_SignUp",
    "CustomMessage_ResendCode",
    "CustomMessage_ForgotPassword",
    "CustomMessage_AdminCreateUser",
)

# (subject, paragraph before the code, paragraph after the code); {app} is the app name.
_TEXTS: Final[dict[str, dict[str, tuple[str, str, str]]]] = {
    "en": {
        "CustomMessage_SignUp": (
            "Confirm your {app} account",
            "Welcome to {app}! Your verification code is:",
            "Enter it on the confirmation page to activate your account.",
        ),
        "CustomMessage_ResendCode": (
            "Your new {app} verification code",
            "Your new {app} verification code is:",
            "Enter it on the confirmation page to activate your account.",
        ),
        "CustomMessage_ForgotPassword": (
            "Reset your {app} password",
            "Your {app} password reset code is:",
            "If you did not ask to reset your password, ignore this email.",
        ),
        "CustomMessage_AdminCreateUser": (
            "Your {app} account",
            "An account was created for you on {app}. Your temporary password is:",
            "Sign in with it and choose a new password.",
        ),
    },
    "ja": {
        "CustomMessage_SignUp": (
            "【{app}】メールアドレスの確認",
            "{app} へようこそ。確認コードは次のとおりです。",
            "確認ページでこのコードを入力し、アカウントを有効にしてください。",
        ),
        "CustomMessage_ResendCode": (
            "【{app}】新しい確認コード",
            "{app} の新しい確認コードは次のとおりです。",
            "確認ページでこのコードを入力し、アカウントを有効にしてください。",
        ),
        "CustomMessage_ForgotPassword": (
            "【{app}】パスワードの再設定",
            "{app} のパスワード再設定コードは次のとおりです。",
            "パスワードの再設定を依頼していない場合は、このメールを無視してください。",
        ),
        "CustomMessage_AdminCreateUser": (
            "【{app}】アカウントのご案内",
            "{app} のアカウントが作成されました。仮パスワードは次のとおりです。",
            "このパスワードでサインインし、新しいパスワードを設定してください。",
        ),
    },
}
_USERNAME_LINE: Final = {
    "en": "Your username: {username}",
    "ja": "ユーザー名：{username}",  # noqa: RUF001 - Japanese typography
}


def cognito_message(
    trigger_source: str,
    app_name: str,
    locale: str,
    code_placeholder: str,
    username_placeholder: str | None = None,
) -> tuple[str, str]:
    """(emailSubject, HTML emailMessage) for one of CUSTOM_MESSAGE_SOURCES.

    The placeholders are inserted verbatim so that Cognito can substitute them afterwards.
    """
    texts = _TEXTS.get(locale, _TEXTS["en"])
    subject_tpl, before_tpl, after_tpl = texts[trigger_source]
    subject = subject_tpl.format(app=app_name)
    safe_app = html.escape(app_name)
    parts = [f"<p>{html.escape(before_tpl).format(app=safe_app)}</p>"]
    if username_placeholder is not None:
        line = _USERNAME_LINE.get(locale, _USERNAME_LINE["en"])
        parts.append("<p>" + html.escape(line).format(username=username_placeholder) + "</p>")
    parts.append(_code_box(code_placeholder))
    parts.append(f"<p>{html.escape(after_tpl).format(app=safe_app)}</p>")
    return subject, _page(locale, app_name, subject, "".join(parts))
