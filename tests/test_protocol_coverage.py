"""Every opcode of proto.h has a schema or a documented gap, and GAPS.md lists the gaps."""

from __future__ import annotations

import protocol_specs
from emulator.cli.main import gaps_document
from protocol_specs.opcodes import AP, BP
from protocol_specs.registry import C2S, GAME, LOGIN, S2C
from tests.conftest import REPO


def _covered(mode, direction, opcode) -> bool:
    return protocol_specs.spec_for(mode, direction, opcode) is not None or protocol_specs.gap_for(mode, direction, opcode) is not None


def test_every_opcode_is_declared_or_gapped_in_both_directions():
    for mode, enum in ((LOGIN, AP), (GAME, BP)):
        for opcode in enum:
            for direction in (C2S, S2C):
                assert _covered(mode, direction, opcode), f"{opcode.name} {direction.value}"
            assert any(protocol_specs.spec_for(mode, d, opcode) for d in (C2S, S2C)) or all(
                protocol_specs.gap_for(mode, d, opcode) for d in (C2S, S2C)
            )


def test_gaps_document_is_current():
    assert (REPO / "protocol_specs" / "GAPS.md").read_text() == gaps_document(), (
        "regenerate with: m59emu protocol gaps --markdown > protocol_specs/GAPS.md"
    )
