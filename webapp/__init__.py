"""NiceGUI web app: sign-up and email-code sign-in over Cognito custom authentication."""
