"""The Pulumi program's components: one ComponentResource per concern."""
