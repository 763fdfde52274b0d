"""Cognito Lambda triggers: plain Python and boto3, deployed as this package."""
