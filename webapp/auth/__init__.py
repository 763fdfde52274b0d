"""The UI-independent login core: SRP, the Cognito calls, token checks and the sign-in flow."""
