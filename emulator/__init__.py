"""Offline Cognito + SES built on moto: real SRP, custom-auth triggers, sessions and a mailbox.

from emulator import start_local_stack
with start_local_stack() as stack:
    ...  # stack.endpoint_url, stack.user_pool_id, stack.client_id, stack.mailbox, stack.clock
"""

from emulator.clock import Clock
from emulator.mailbox import Mailbox
from emulator.stack import AppClient, LocalStack, start_local_stack
from emulator.triggers import TriggerRegistry

__all__ = ["AppClient", "Clock", "LocalStack", "Mailbox", "TriggerRegistry", "start_local_stack"]
