"""qingxi's pipeline stages: pure functions and small classes, one stage a module, no Prefect."""

PIPELINE_VERSION = "0.2.0"
