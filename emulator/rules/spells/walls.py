"""Wall spells (wallspel.kod and its spells, their elements): where the elements stand
in front of the caster, how long they last, what brambles do to who walks through.
Figures that live only in the original's code are named here with the handler they
come from."""

from __future__ import annotations

from emulator.rules.dice import Roll, div

__all__ = [
    "EFFECT_INTERVAL_MS", "SUMMONED_OBJECT_LIMIT", "Placed", "bounded_line", "bramble_damage_most", "bramble_duration_ms",
    "bramble_squares", "burn_purpose", "element_duration_ms", "fog_duration_ms", "fog_squares", "line_with_fillers",
    "octant", "period_ms", "ring_squares", "scratch_purpose",
]

MAX_ANGLE = 4096
#: settings.kod piPlayerSummonedObjectLimit: summoned objects a room may hold.
SUMMONED_OBJECT_LIMIT = 18
#: wallelem.kod and BRAMBLE.kod EFFECT_INTERVAL: who was touched is forgotten this often.
EFFECT_INTERVAL_MS = 1500


def octant(angle: int) -> int:
    """The way a caster faces, 0 east then clockwise (south-east, south, ...) to 7
    north-east, cut at the sixteenths the wall spells use (ANGLE_ESE...)."""
    sixteenth = MAX_ANGLE // 16
    return ((angle % MAX_ANGLE + sixteenth) // (2 * sixteenth)) % 8


#: (row, col) one step each way of :func:`octant` (rows grow southwards).
_STEP = ((0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1), (-1, 0), (-1, 1))


def fog_squares(angle: int, row: int, col: int) -> list[tuple[int, int]]:
    """summfog.kod PlaceWallElements: a block of three by three squares whose centre is
    two squares ahead; the centre first, then clockwise from the north."""
    d_row, d_col = _STEP[octant(angle)]
    c_row, c_col = row + 2 * d_row, col + 2 * d_col
    around = ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))
    return [(c_row, c_col), *((c_row + r, c_col + c) for r, c in around)]


#: brmblwll.kod PlaceWallElements: per way faced, the first square (from the caster) and
#: the step along the line of five.
_BRAMBLE_LINE = (
    ((-2, 1), (1, 0)), ((-1, 3), (1, -1)), ((1, -2), (0, 1)), ((3, 1), (-1, -1)),
    ((-2, -1), (1, 0)), ((1, -3), (-1, 1)), ((-1, -2), (0, 1)), ((-3, -1), (1, 1)),
)
BRAMBLE_ELEMENTS = 5


def bramble_squares(angle: int, row: int, col: int) -> list[tuple[int, int]]:
    """A line of five squares across the way the caster faces."""
    (s_row, s_col), (d_row, d_col) = _BRAMBLE_LINE[octant(angle)]
    return [(row + s_row + i * d_row, col + s_col + i * d_col) for i in range(BRAMBLE_ELEMENTS)]


def fog_duration_ms(roll: Roll, power: int) -> int:
    """summfog.kod (power + 20 within 15..95) and fogcloud.kod's constructor (within 15
    either way, 750 ms each, within 22.5 s and 150 s): how long one cloud stays."""
    base = max(15, min(95, power + 20))
    return max(22_500, min(150_000, roll(base - 15, base + 15) * 750))


def bramble_duration_ms(roll: Roll, power: int) -> int:
    """brmblwll.kod (3 * power + 45 within 45..270) and BRAMBLE.kod's constructor (within
    20 either way, in seconds, within 30 s and 200 s): how long one patch stands."""
    base = max(45, min(270, 3 * power + 45))
    return max(30_000, min(200_000, roll(base - 20, base + 20) * 1000))


def bramble_damage_most(power: int) -> int:
    """brmblwll.kod: the most a patch scratches, power / 15, at most 5."""
    return min(5, div(power, 15))


def scratch_purpose(damage: int) -> str:
    """BRAMBLE.kod ScratchPerson: which words tell a scratch of ``damage``."""
    if damage <= 0:
        return "scratch_0"
    if damage < 3:
        return "scratch_2"
    return f"scratch_{min(damage, 5)}"


def period_ms(roll: Roll) -> int:
    """GetPeriodicDuration: the interval, 90 to 110 percent of it."""
    return div(EFFECT_INTERVAL_MS * roll(90, 110), 100)


FINENESS = 64
FINENESS_HALF = 32

#: (row, col, fine row, fine col, active): where one element goes; an inactive one is a
#: filler that only shows (the passive walls of fire and lightning between the others).
Placed = tuple[int, int, int, int, bool]


def line_with_fillers(angle: int, row: int, col: int, fine_row: int, fine_col: int) -> list[Placed]:
    """firewall.kod and ltngwall.kod PlaceWallElements: the bramble wall's line of five,
    at the caster's place within each square, with a filler half a square along the line
    after each but the last."""
    (s_row, s_col), (d_row, d_col) = _BRAMBLE_LINE[octant(angle)]
    half_row, half_fine_row = _half_step(d_row, fine_row)
    half_col, half_fine_col = _half_step(d_col, fine_col)
    placed: list[Placed] = []
    for i in range(BRAMBLE_ELEMENTS):
        at_row, at_col = row + s_row + i * d_row, col + s_col + i * d_col
        placed.append((at_row, at_col, fine_row, fine_col, True))
        if i < BRAMBLE_ELEMENTS - 1:
            placed.append((at_row + half_row, at_col + half_col, half_fine_row, half_fine_col, False))
    return placed


def _half_step(step: int, fine: int) -> tuple[int, int]:
    """Half a square along ``step`` from ``fine`` within a square: (squares moved, fine)."""
    if step < 0:
        return (0, fine - FINENESS_HALF) if fine > FINENESS_HALF - 1 else (-1, FINENESS_HALF + fine)
    if step > 0:
        return (0, fine + FINENESS_HALF) if fine < FINENESS_HALF + 1 else (1, fine - FINENESS_HALF)
    return 0, fine


def ring_squares(row: int, col: int) -> list[Placed]:
    """rngflame.kod PlaceWallElements: fire on the eight squares around the target (at
    their centres), and four fillers on the corners of its own square."""
    around = ((1, 1), (1, 0), (1, -1), (0, 1), (0, -1), (-1, 1), (-1, 0), (-1, -1))
    placed: list[Placed] = [(row + r, col + c, FINENESS_HALF, FINENESS_HALF, True) for r, c in around]
    corners = ((0, 0), (0, FINENESS), (FINENESS, 0), (FINENESS, FINENESS))
    placed += [(row, col, fine_row, fine_col, False) for fine_row, fine_col in corners]
    return placed


def bounded_line(figures: tuple[int, int, int, int, int], power: int) -> int:
    """bound(power * per / div + plus, min, max): how the wall spells draw a figure from
    the power (the import reads the five numbers of each)."""
    per, divisor, plus, low, high = figures
    return max(low, min(high, div(power * per, max(1, divisor)) + plus))


def element_duration_ms(roll: Roll, base: int) -> int:
    """The active elements' and their fillers' GetDuration or constructor (poison fog,
    fire, lightning): within 20 s either way of the wall's base, within 30 s and 200 s."""
    return max(30_000, min(200_000, roll(base - 20, base + 20) * 1000))


def burn_purpose(damage: int) -> str:
    """wallfire.kod and wallltng.kod DoEffect: which words tell a blow of ``damage``."""
    if damage <= 0:
        return "burn_0"
    if damage < 5:
        return "burn_5"
    if damage < 10:
        return "burn_10"
    if damage < 15:
        return "burn_15"
    return "burn_20"


def spore_squares(radius: int, row: int, col: int) -> list[Placed]:
    """sporbrst.kod PlaceWallElements: the active cloud on the caster's square, passive
    clouds around it, more of them the wider it reaches (a diamond, then a seven by seven
    checkerboard without corners), at the squares' centres unless the original says."""
    half = FINENESS_HALF
    placed: list[Placed] = [(row, col, half, half, True)]
    rings: list[list[tuple[int, int, int, int]]] = [
        [(1, 0, half, half), (-1, 0, half, half), (0, 1, half, half), (0, -1, half, half)],
        [(2, 0, half, half), (1, 1, half, half), (1, -1, half, half), (0, 2, half, half), (0, -2, half, half),
         (-1, 1, half, half), (-1, -1, half, half), (-2, 0, half, half)],
        [(3, 1, 0, 0), (3, -1, 0, FINENESS), (2, 2, half, half), (2, -2, half, half), (1, 3, 0, 0), (1, -3, 0, FINENESS),
         (-1, 3, FINENESS, 0), (-1, -3, FINENESS, FINENESS), (-2, 2, half, half), (-2, -2, half, half),
         (-3, 1, FINENESS, 0), (-3, -1, FINENESS, FINENESS)],
    ]
    for ring in rings[:max(0, min(3, radius))]:
        placed += [(row + r, col + c, fine_row, fine_col, False) for r, c, fine_row, fine_col in ring]
    return placed


def web_duration_ms(roll: Roll, base: int) -> int:
    """web.kod GetDuration: within 20 s either way of the wall's base, within 20 s and
    150 s."""
    return max(20_000, min(150_000, roll(base - 20, base + 20) * 1000))


def web_hold_seconds(roll: Roll, most: int) -> int:
    """web.kod DoEffect: 2 s less than the web's most to the most, at least 1; 0 for a
    web that holds nobody."""
    return max(1, roll(most - 2, most)) if most > 0 else 0


def stuck_purpose(seconds: int) -> str:
    """web.kod DoEffect: which words tell a hold of ``seconds``."""
    if seconds <= 0:
        return "stuck_0"
    if seconds < 4:
        return f"stuck_{seconds}"
    return "stuck_5"


#: wallfire.kod DoEffect: an illusionary wall cast with less power wounds nobody.
ILLUSION_LEAST_POWER = 35


def wound_most(power: int, base: int, max_health: int, health: int) -> int:
    """illwound.kod GetHPLoss: base * power / 100, at most a third of the victim's
    maximum and never its last point."""
    return max(0, min(div(base * power, 100), div(max_health, 3), health - 1))


def player_wound_base(intellect: int) -> int:
    """illwound.kod GetHPLoss for a player: 17, and a tenth of how far intellect is below 50."""
    return 17 + div(50 - intellect, 10)


def monster_wound_base(difficulty: int) -> int:
    """illwound.kod GetHPLoss for a monster: 30 less twice its difficulty (2 to 20 less)."""
    return 30 - max(1, min(20, difficulty * 2))
