"""One configuration object for a whole run, made of each stage's own small dataclass.

It is what the CLI and the deployment parameters build, what goes into every output file's
metadata, and what the incremental manifest fingerprints: a changed configuration means
changed output, so files processed under another fingerprint are processed again.
"""

import dataclasses
import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from transforms import PIPELINE_VERSION
from transforms.decoding import DecodingConfig, HygieneConfig
from transforms.dedup import DedupConfig
from transforms.script import ScriptConfig
from transforms.structure import StructureConfig


@dataclass(frozen=True)
class PipelineConfig:
    decoding: DecodingConfig = field(default_factory=DecodingConfig)
    hygiene: HygieneConfig = field(default_factory=HygieneConfig)
    script: ScriptConfig = field(default_factory=ScriptConfig)
    structure: StructureConfig = field(default_factory=StructureConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "PipelineConfig":
        """Rebuild a configuration from `to_dict()` output (e.g. a deployment parameter)."""
        stage_types = {f.name: f.default_factory for f in dataclasses.fields(cls)}
        stages = {}
        for name, stage_type in stage_types.items():
            known = {f.name for f in dataclasses.fields(stage_type)}  # type: ignore[arg-type]
            given = values.get(name, {}) or {}
            unknown = set(given) - known
            if unknown:
                raise ValueError(f"unknown {name} option(s): {', '.join(sorted(unknown))}")
            stages[name] = stage_type(**given)  # type: ignore[operator]
        return cls(**stages)

    def fingerprint(self) -> str:
        """A short hash of everything that shapes a document's output row.

        >>> PipelineConfig().fingerprint() == PipelineConfig().fingerprint()
        True
        """
        return _fingerprint(self)


@functools.cache
def _fingerprint(config: PipelineConfig) -> str:
    # once per configuration: every output row carries it
    payload = json.dumps(
        {"pipeline_version": PIPELINE_VERSION, "config": config.to_dict()},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
