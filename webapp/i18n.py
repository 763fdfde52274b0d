# ruff: noqa: RUF001 - Japanese text uses full-width punctuation on purpose
"""Every user-visible string in English and Japanese, and the Accept-Language choice.

One catalog keeps both languages side by side so a missing translation is obvious in review and
caught by a test; pages never hold literal text.
"""

from __future__ import annotations

from typing import Final

from functions.settings import SUPPORTED_LOCALES

DEFAULT_LOCALE: Final = "en"
LOCALE_NAMES: Final = {"en": "English", "ja": "日本語"}

CATALOG: Final[dict[str, dict[str, str]]] = {
    # --- frame ---------------------------------------------------------------------------
    "language": {"en": "Language", "ja": "言語"},
    "page_title": {"en": "{page} · {app}", "ja": "{page} · {app}"},
    "field_required": {"en": "This field is required.", "ja": "この項目は必須です。"},
    "field_too_long": {"en": "This is too long.", "ja": "文字数が多すぎます。"},
    "email_invalid": {
        "en": "Enter a valid email address.",
        "ja": "有効なメールアドレスを入力してください。",
    },
    "code_invalid": {
        "en": "Enter the code using digits only.",
        "ja": "コードは数字のみで入力してください。",
    },
    "email_label": {"en": "Email", "ja": "メールアドレス"},
    "password_label": {"en": "Password", "ja": "パスワード"},
    "show_password": {"en": "Show password", "ja": "パスワードを表示"},
    "hide_password": {"en": "Hide password", "ja": "パスワードを隠す"},
    "show_password_short": {"en": "Show", "ja": "表示"},
    "hide_password_short": {"en": "Hide", "ja": "隠す"},
    "list_separator": {"en": "; ", "ja": "、"},
    # --- sign in -------------------------------------------------------------------------
    "signin_title": {"en": "Sign in", "ja": "サインイン"},
    "signin_button": {"en": "Sign in", "ja": "サインイン"},
    "signin_to_signup": {
        "en": "No account yet? Create one",
        "ja": "アカウントをお持ちでない方は新規作成",
    },
    "signin_to_forgot": {"en": "Forgot your password?", "ja": "パスワードをお忘れの方"},
    # --- sign up -------------------------------------------------------------------------
    "signup_title": {"en": "Create an account", "ja": "アカウントの作成"},
    "signup_button": {"en": "Create account", "ja": "アカウントを作成"},
    "confirm_password_label": {"en": "Confirm password", "ja": "パスワード（確認）"},
    "passwords_differ": {
        "en": "The two passwords are different.",
        "ja": "パスワードが一致しません。",
    },
    "policy_heading": {"en": "Your password needs:", "ja": "パスワードの条件"},
    "rule_min_length": {"en": "At least {n} characters", "ja": "{n}文字以上"},
    "rule_lowercase": {"en": "A lowercase letter", "ja": "英小文字を含む"},
    "rule_uppercase": {"en": "An uppercase letter", "ja": "英大文字を含む"},
    "rule_numbers": {"en": "A number", "ja": "数字を含む"},
    "rule_symbols": {"en": "A symbol", "ja": "記号を含む"},
    "rule_max_length": {"en": "At most 256 characters", "ja": "256文字以内"},
    "rule_whitespace": {
        "en": "No space at the start or end",
        "ja": "先頭と末尾に空白を含まない",
    },
    "password_weak_rules": {
        "en": "The password does not meet every rule yet: {rules}.",
        "ja": "パスワードが次の条件を満たしていません：{rules}",
    },
    "rule_met": {"en": " (met)", "ja": "（達成）"},
    "rule_unmet": {"en": " (not yet)", "ja": "（未達成）"},
    "rules_met": {
        "en": "{met} of {total} password rules met.",
        "ja": "パスワードの条件 {total} 件中 {met} 件を満たしています。",
    },
    "signup_to_signin": {
        "en": "Already have an account? Sign in",
        "ja": "すでにアカウントをお持ちの方はサインイン",
    },
    # --- confirm sign-up -----------------------------------------------------------------
    "confirm_title": {"en": "Confirm your email", "ja": "メールアドレスの確認"},
    "confirm_intro": {
        "en": "If {destination} can be used for a new account, we sent a verification code to "
        "it. Enter it below.",
        "ja": "{destination} で新しいアカウントを作成できる場合は、"
        "確認コードを送信しました。届いたコードを下に入力してください。",
    },
    "confirm_have_account": {
        "en": "Already have an account with this address? Sign in, or reset your password.",
        "ja": "このメールアドレスのアカウントをすでにお持ちの場合は、サインインするか、"
        "パスワードを再設定してください。",
    },
    "verification_code_label": {"en": "Verification code", "ja": "確認コード"},
    "confirm_button": {"en": "Confirm", "ja": "確認する"},
    "resend_signup_button": {"en": "Send a new code", "ja": "コードを再送信"},
    "signup_code_resent": {
        "en": "If {destination} still needs to be confirmed, we sent it a new code.",
        "ja": "{destination} の確認が完了していない場合は、新しい確認コードを送信しました。",
    },
    "back_to_signin": {"en": "Back to sign in", "ja": "サインインに戻る"},
    # --- one-time code -------------------------------------------------------------------
    "code_title": {"en": "Enter your sign-in code", "ja": "認証コードの入力"},
    "code_intro": {
        "en": "We emailed a {length}-digit code to {destination}.",
        "ja": "{destination} 宛てに{length}桁の認証コードをメールで送信しました。",
    },
    "otp_label": {"en": "One-time code", "ja": "認証コード"},
    "code_expires_in": {"en": "The code expires in {time}.", "ja": "有効期限まであと {time}"},
    "code_expired_short": {"en": "The code has expired.", "ja": "有効期限が切れました。"},
    "code_expired_resend": {
        "en": "The code has expired. Send a new one to continue.",
        "ja": "認証コードの有効期限が切れました。コードを再送信してください。",
    },
    "code_expired": {
        "en": "The code has expired. Sign in again to get a new one.",
        "ja": "認証コードの有効期限が切れました。"
        "もう一度サインインして、新しいコードを受け取ってください。",
    },
    "sign_in_again_button": {"en": "Sign in again", "ja": "もう一度サインイン"},
    "code_resent_intro": {
        "en": "We emailed a new {length}-digit code to {destination}.",
        "ja": "{destination} 宛てに新しい{length}桁の認証コードをメールで送信しました。",
    },
    "attempts_left": {"en": "Attempts left: {n}", "ja": "あと{n}回入力できます。"},
    "verify_button": {"en": "Verify", "ja": "認証する"},
    "resend_code_button": {"en": "Send a new code", "ja": "コードを再送信"},
    "resend_wait": {
        "en": "You can ask for a new code in {seconds} seconds.",
        "ja": "{seconds}秒後にコードを再送信できます。",
    },
    "no_codes_left": {
        "en": "No more codes can be sent for this sign-in.",
        "ja": "コードを再送信できる回数の上限に達しました。",
    },
    "code_resent": {
        "en": "A new code was sent to {destination}.",
        "ja": "{destination} に新しい認証コードを送信しました。",
    },
    "cancel_button": {"en": "Cancel", "ja": "キャンセル"},
    # --- forgotten password --------------------------------------------------------------
    "forgot_title": {"en": "Reset your password", "ja": "パスワードの再設定"},
    "forgot_intro": {
        "en": "Enter your email and we will send you a code to choose a new password.",
        "ja": "メールアドレスを入力すると、パスワードの再設定コードを送信します。",
    },
    "forgot_send_button": {"en": "Send code", "ja": "再設定コードを送信"},
    "reset_title": {"en": "Choose a new password", "ja": "新しいパスワードの設定"},
    "reset_intro": {
        "en": "If an account exists for this address, we sent a reset code to {destination}.",
        "ja": "このメールアドレスのアカウントが存在する場合は、"
        "{destination} に再設定コードを送信しました。",
    },
    "reset_code_label": {"en": "Reset code", "ja": "再設定コード"},
    "new_password_label": {"en": "New password", "ja": "新しいパスワード"},
    "reset_button": {"en": "Set new password", "ja": "パスワードを再設定"},
    # --- dashboard -----------------------------------------------------------------------
    "dashboard_title": {"en": "Your account", "ja": "アカウント"},
    "dashboard_welcome": {"en": "You are signed in.", "ja": "サインインしています。"},
    "dashboard_email": {"en": "Email: {email}", "ja": "メールアドレス：{email}"},
    "dashboard_signed_in_at": {"en": "Signed in at: {time}", "ja": "サインイン日時：{time}"},
    "dashboard_session_ends": {
        "en": "Session ends at: {time}",
        "ja": "セッションの有効期限：{time}",
    },
    "signout_button": {"en": "Sign out", "ja": "サインアウト"},
    # --- the user menu, the account page, the 403 page ----------------------------------
    "user_menu": {"en": "Account menu", "ja": "アカウントメニュー"},
    "menu_account": {"en": "Account", "ja": "アカウント設定"},
    "account_title": {"en": "Account settings", "ja": "アカウント設定"},
    "account_email_fixed": {
        "en": "Email (your username, it cannot be changed): {email}",
        "ja": "メールアドレス（ユーザー名として使用されるため変更できません）：{email}",
    },
    "account_session_heading": {"en": "This session", "ja": "現在のセッション"},
    "account_groups": {"en": "Groups: {groups}", "ja": "所属グループ：{groups}"},
    "account_no_groups": {"en": "none", "ja": "なし"},
    "account_password_heading": {"en": "Change password", "ja": "パスワードの変更"},
    "current_password_label": {"en": "Current password", "ja": "現在のパスワード"},
    "change_password_button": {"en": "Change password", "ja": "パスワードを変更"},
    "account_wrong_password": {
        "en": "The current password is not correct.",
        "ja": "現在のパスワードが正しくありません。",
    },
    "account_everywhere_heading": {
        "en": "Sign out of every device",
        "ja": "すべてのデバイスからサインアウト",
    },
    "account_everywhere_intro": {
        "en": "Ends every session of this account: on this device and on all others.",
        "ja": "このデバイスを含む、すべてのデバイスでこのアカウントのセッションを終了します。",
    },
    "signout_everywhere_button": {
        "en": "Sign out everywhere",
        "ja": "すべてのデバイスからサインアウト",
    },
    "account_delete_heading": {"en": "Delete my account", "ja": "アカウントの削除"},
    "account_delete_intro": {
        "en": "This deletes the account {email} for good. Type your email again to confirm.",
        "ja": "アカウント {email} を完全に削除します。元に戻すことはできません。"
        "確認のため、メールアドレスをもう一度入力してください。",
    },
    "delete_email_label": {"en": "Your email, again", "ja": "メールアドレス（確認）"},
    "delete_button": {"en": "Delete my account", "ja": "アカウントを削除"},
    "delete_email_mismatch": {
        "en": "That is not this account's email.",
        "ja": "入力したメールアドレスがこのアカウントのものと一致しません。",
    },
    "delete_reauth": {
        "en": "For your security, deleting the account needs a sign-in with a code from the last "
        "{minutes} minutes.",
        "ja": "安全のため、アカウントを削除するには、"
        "過去{minutes}分以内に認証コードでサインインしている必要があります。",
    },
    "reauth_button": {"en": "Sign in again", "ja": "もう一度サインイン"},
    "forbidden_title": {"en": "Access denied", "ja": "アクセスできません"},
    "forbidden_text": {
        "en": "Your account does not have access to this page.",
        "ja": "このアカウントには、このページを表示する権限がありません。",
    },
    "forbidden_home": {"en": "Back to the start page", "ja": "トップページに戻る"},
    # --- the example pages (webapp/product) -------------------------------------------
    "reports_title": {"en": "Reports", "ja": "レポート"},
    "reports_intro": {
        "en": "Only members of the analysts group can open this page.",
        "ja": "このページは analysts グループのメンバーのみ閲覧できます。",
    },
    # --- notices shown once on the next page ---------------------------------------------
    "notice_signed_out": {"en": "You have signed out.", "ja": "サインアウトしました。"},
    "notice_signed_out_everywhere": {
        "en": "You have signed out on every device.",
        "ja": "すべてのデバイスからサインアウトしました。",
    },
    "notice_password_changed": {
        "en": "Your password has been changed.",
        "ja": "パスワードを変更しました。",
    },
    "notice_account_deleted": {
        "en": "Your account has been deleted.",
        "ja": "アカウントを削除しました。",
    },
    "notice_reauth_required": {
        "en": "Sign in again to delete your account.",
        "ja": "アカウントを削除するには、もう一度サインインしてください。",
    },
    "notice_sign_in_required": {
        "en": "Please sign in to continue.",
        "ja": "続行するにはサインインしてください。",
    },
    "notice_confirmed": {
        "en": "Your email is confirmed. You can sign in now.",
        "ja": "メールアドレスを確認しました。サインインできます。",
    },
    "notice_password_reset": {
        "en": "Your password was changed. Sign in with the new one.",
        "ja": "パスワードを再設定しました。新しいパスワードでサインインしてください。",
    },
    "notice_session_lost": {
        "en": "Your session ended. Please sign in again.",
        "ja": "セッションが終了しました。もう一度サインインしてください。",
    },
    "notice_sign_up_code_sent": {
        "en": "Check your inbox for the verification code.",
        "ja": "メールに記載された確認コードを入力してください。",
    },
    "notice_code_resent": {"en": "A new code was sent.", "ja": "新しいコードを送信しました。"},
    "notice_reset_code_sent": {
        "en": "If an account exists for this email, we sent it a code.",
        "ja": "このメールアドレスのアカウントが存在する場合は、再設定コードを送信しました。",
    },
    # --- errors (one per AuthErrorKind, in lower case) -----------------------------------
    "error_invalid_credentials": {
        "en": "Incorrect email or password. After several wrong attempts, signing in pauses "
        "for a while.",
        "ja": "メールアドレスまたはパスワードが正しくありません。何度か間違えると、"
        "しばらくサインインできなくなります。",
    },
    "error_user_not_confirmed": {
        "en": "Your email is not confirmed yet. Enter the verification code we sent you.",
        "ja": "メールアドレスの確認が完了していません。"
        "メールでお送りした確認コードを入力してください。",
    },
    "error_password_reset_required": {
        "en": "You need to choose a new password before signing in.",
        "ja": "サインインする前に新しいパスワードを設定してください。",
    },
    "error_user_disabled": {
        "en": "This account cannot sign in. Contact support.",
        "ja": "このアカウントではサインインできません。サポートにお問い合わせください。",
    },
    "error_too_many_attempts": {
        "en": "Too many failed attempts. Wait a few minutes, then try again.",
        "ja": "失敗した回数が上限に達しました。数分後にもう一度お試しください。",
    },
    "error_session_expired": {
        "en": "Your session has expired. Please sign in again.",
        "ja": "セッションの有効期限が切れました。もう一度サインインしてください。",
    },
    "error_code_mismatch": {
        "en": "That code is not correct.",
        "ja": "コードが正しくありません。",
    },
    "error_code_expired": {
        "en": "That code has expired. Please start again.",
        "ja": "コードの有効期限が切れました。最初からやり直してください。",
    },
    "error_code_attempts_exhausted": {
        "en": "Too many wrong codes. Please sign in again.",
        "ja": "コードの入力に失敗した回数が上限に達しました。もう一度サインインしてください。",
    },
    "error_username_exists": {
        "en": "An account with this email already exists. Sign in instead.",
        "ja": "このメールアドレスのアカウントはすでに存在します。サインインしてください。",
    },
    "error_invalid_password": {
        "en": "The password does not meet the requirements.",
        "ja": "パスワードが条件を満たしていません。",
    },
    "error_invalid_parameter": {
        "en": "Some of the information is not valid. Check it and try again.",
        "ja": "入力内容に誤りがあります。確認してもう一度お試しください。",
    },
    "error_rate_limited": {
        "en": "Too many attempts from here or for this account. Please wait a few minutes, "
        "then try again.",
        "ja": "試行回数が多すぎるため、一時的に制限しています。数分後にもう一度お試しください。",
    },
    "error_limit_exceeded": {
        "en": "Too many requests. Wait a while, then try again.",
        "ja": "操作の回数が上限に達しました。しばらくしてからもう一度お試しください。",
    },
    "store_unavailable": {
        "en": "Sign-in is temporarily unavailable. Nothing you entered is lost: please try again "
        "in a moment.",
        "ja": "サインインを一時的に利用できません。入力内容は保持されています。"
        "しばらくしてからもう一度お試しください。",
    },
    "unavailable_title": {"en": "Please try again", "ja": "もう一度お試しください"},
    "busy": {
        "en": "The service is busy right now. Please try again in a minute.",
        "ja": "ただいま混み合っています。1分ほどしてからもう一度お試しください。",
    },
    "error_codes_blocked": {
        "en": "For your security, no sign-in code can be sent to this account until {until}. "
        'If you did not try to sign in, change your password with "Forgot your password?".',
        "ja": "安全のため、{until} までこのアカウントに認証コードを送信できません。"
        "心当たりがない場合は、"
        "「パスワードをお忘れの方」からパスワードを再設定してください。",
    },
    "error_codes_blocked_later": {
        "en": "For your security, no sign-in code can be sent to this account right now. "
        "Please try again later.",
        "ja": "安全のため、現在このアカウントに認証コードを送信できません。"
        "しばらくしてからもう一度お試しください。",
    },
    "error_codes_unavailable": {
        "en": "Sign-in codes cannot be sent right now. Please try again in a few minutes.",
        "ja": "現在、認証コードを送信できません。数分後にもう一度お試しください。",
    },
    "error_throttled": {
        "en": "The service is busy. Please try again in a moment.",
        "ja": "ただいま混み合っています。しばらくしてからもう一度お試しください。",
    },
    "error_delivery_failed": {
        "en": "We could not send the email. Please try again later.",
        "ja": "メールを送信できませんでした。しばらくしてからもう一度お試しください。",
    },
    "error_alias_exists": {
        "en": "An account with this email already exists.",
        "ja": "このメールアドレスのアカウントはすでに存在します。",
    },
    "error_already_confirmed": {
        "en": "This account is already confirmed. You can sign in.",
        "ja": "このアカウントは確認済みです。サインインしてください。",
    },
    "error_network": {
        "en": "We could not reach the sign-in service. Check your connection and try again.",
        "ja": "サインインサービスに接続できませんでした。インターネット接続を確認して、"
        "もう一度お試しください。",
    },
    "error_service": {
        "en": "Something went wrong on our side. Please try again.",
        "ja": "サーバーでエラーが発生しました。もう一度お試しください。",
    },
    "error_unknown": {
        "en": "Something went wrong. Please try again.",
        "ja": "エラーが発生しました。もう一度お試しください。",
    },
    # --- dev mailbox (local mode only) ---------------------------------------------------
    "mailbox_title": {"en": "Dev mailbox", "ja": "開発用メールボックス"},
    "mailbox_intro": {
        "en": "Local mode only: every email the local stack sent, newest first.",
        "ja": "ローカルモード専用：ローカル環境から送信されたすべてのメールを"
        "新しい順に表示します。",
    },
    "mailbox_filter": {"en": "Recipient", "ja": "宛先"},
    "mailbox_empty": {"en": "No emails yet.", "ja": "メールはまだありません。"},
    "mailbox_to": {"en": "To: {to}", "ja": "宛先：{to}"},
    # --- error pages ---------------------------------------------------------------------
    "not_found_title": {"en": "Page not found", "ja": "ページが見つかりません"},
    "not_found_text": {
        "en": "There is no page at this address. It may have moved, or the link may be wrong.",
        "ja": "このアドレスのページはありません。"
        "移動したか、リンクが間違っている可能性があります。",
    },
    "error_title": {"en": "Something went wrong", "ja": "エラーが発生しました"},
    "error_text": {
        "en": "The page could not be shown. Please try again in a moment.",
        "ja": "ページを表示できませんでした。しばらくしてからもう一度お試しください。",
    },
    "error_home": {"en": "Go to the start page", "ja": "トップページに戻る"},
}


def normalize_locale(value: object) -> str:
    """A supported locale for any stored or requested value, English when unknown."""
    text = str(value or "").strip().lower().replace("_", "-")
    primary = text.split("-", 1)[0]
    return primary if primary in SUPPORTED_LOCALES else DEFAULT_LOCALE


def parse_accept_language(header: str | None) -> str:
    """The best supported locale in an Accept-Language header (RFC 9110 weights), else English."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")):
        pieces = [piece.strip() for piece in part.split(";")]
        tag = pieces[0].lower()
        if not tag or tag == "*":
            continue
        weight = 1.0
        for parameter in pieces[1:]:
            name, _, raw = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(raw.strip())
                except ValueError:
                    weight = 0.0
        primary = tag.split("-", 1)[0]
        if weight <= 0 or primary not in SUPPORTED_LOCALES:
            continue
        candidate = (weight, -position, primary)
        if best is None or candidate > best:
            best = candidate
    return best[2] if best else DEFAULT_LOCALE


def translate(key: str, locale: str, **values: object) -> str:
    """The text for `key` in `locale` with `values` filled in (English if the locale is unknown)."""
    entry = CATALOG[key]
    text = entry.get(locale) or entry[DEFAULT_LOCALE]
    return text.format(**values) if values else text
