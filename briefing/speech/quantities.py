"""Amounts for the ear: money, percentages and units after a number ("£4.2bn" -> "four point
two billion pounds", "80 mm" -> "eighty millimetres", in British spelling)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.speech.numbers import cardinal, say_int, say_number


@dataclass(frozen=True)
class Currency:
    """How an amount of one currency is said."""

    one: str
    many: str
    cent: str | None = None
    cents: str | None = None


CURRENCIES = {
    "$": Currency("dollar", "dollars", "cent", "cents"),
    "US$": Currency("US dollar", "US dollars", "cent", "cents"),
    "A$": Currency("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": Currency("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "NZ$": Currency("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "HK$": Currency("Hong Kong dollar", "Hong Kong dollars", "cent", "cents"),
    "€": Currency("euro", "euros", "cent", "cents"),
    "£": Currency("pound", "pounds", "penny", "pence"),
    "¥": Currency("yen", "yen"),
    "₹": Currency("rupee", "rupees"),
}
"""Currency symbols written before the amount."""

SCALES = {
    "thousand": "thousand", "k": "thousand", "K": "thousand", "million": "million",
    "m": "million", "mn": "million", "billion": "billion", "bn": "billion",
    "trillion": "trillion", "tn": "trillion", "trn": "trillion",
}
"""Scale words and suffixes after a currency amount ("$5m", "£4.2bn")."""

UNITS: dict[str, tuple[str, str]] = {
    "mm": ("millimetre", "millimetres"), "cm": ("centimetre", "centimetres"),
    "m": ("metre", "metres"), "km": ("kilometre", "kilometres"),
    "km/h": ("kilometre per hour", "kilometres per hour"),
    "kph": ("kilometre per hour", "kilometres per hour"),
    "mph": ("mile per hour", "miles per hour"), "m/s": ("metre per second", "metres per second"),
    "mi": ("mile", "miles"), "ft": ("foot", "feet"),
    "mg": ("milligram", "milligrams"), "g": ("gram", "grams"), "kg": ("kilogram", "kilograms"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "ha": ("hectare", "hectares"),
    "km²": ("square kilometre", "square kilometres"),
    "km2": ("square kilometre", "square kilometres"),
    "sq km": ("square kilometre", "square kilometres"),
    "m²": ("square metre", "square metres"), "m³": ("cubic metre", "cubic metres"),
    "ml": ("millilitre", "millilitres"), "mL": ("millilitre", "millilitres"),
    "kW": ("kilowatt", "kilowatts"), "MW": ("megawatt", "megawatts"),
    "GW": ("gigawatt", "gigawatts"), "kWh": ("kilowatt hour", "kilowatt hours"),
    "MWh": ("megawatt hour", "megawatt hours"), "GWh": ("gigawatt hour", "gigawatt hours"),
    "TWh": ("terawatt hour", "terawatt hours"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "dB": ("decibel", "decibels"),
    "min": ("minute", "minutes"), "mins": ("minute", "minutes"),
    "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "°C": ("degree Celsius", "degrees Celsius"), "ºC": ("degree Celsius", "degrees Celsius"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°N": ("degree north", "degrees north"), "°S": ("degree south", "degrees south"),
    "°E": ("degree east", "degrees east"), "°W": ("degree west", "degrees west"),
    "°": ("degree", "degrees"),
    "bn": ("billion", "billion"), "tn": ("trillion", "trillion"),
}
"""Unit symbols directly after a number: (singular, plural).  Singular after exactly "1" and in
compounds ("a 14-km walk" -> "a fourteen-kilometre walk")."""


def _money_amount(written: str, currency: Currency) -> str:
    whole, _, fraction = written.replace(",", "").partition(".")
    if len(fraction) == 2 and currency.cent and currency.cents:
        units, cents = int(whole or "0"), int(fraction)
        parts = []
        if units:
            parts.append(f"{say_int(whole)} {currency.one if units == 1 else currency.many}")
        if cents or not units:
            parts.append(f"{cardinal(cents)} {currency.cent if cents == 1 else currency.cents}")
        return " and ".join(parts)
    return f"{say_number(written)} {currency.one if written == '1' else currency.many}"


def say_money(match: re.Match[str]) -> str:
    """"$350,000" -> "three hundred and fifty thousand dollars", "£4.2bn" -> "four point two
    billion pounds", "$5 to 10 million" -> "five to ten million dollars"."""
    currency = CURRENCIES[match["cur"]]
    first, second, scale = match["a"], match["b"], match["scale"]
    if scale:
        amount = say_number(first)
        if second:
            amount += f" to {say_number(second)}"
        return f"{amount} {SCALES[scale]} {currency.many}"
    if second:
        if "." not in first + second:
            return f"{say_number(first)} to {_money_amount(second, currency)}"
        return f"{_money_amount(first, currency)} to {_money_amount(second, currency)}"
    return _money_amount(first, currency)


def say_percent(match: re.Match[str]) -> str:
    """"3%" -> "three percent", "2.5 %" -> "two point five percent"."""
    return f"{say_number(match['n'])} percent"


def say_unit(match: re.Match[str]) -> str:
    """"80 mm" -> "eighty millimetres", "1 km" -> "one kilometre", "14-km" -> "fourteen-kilometre"
    (a compound takes the singular)."""
    one, many = UNITS[match["unit"]]
    number = say_number(match["n"])
    if match["sep"] == "-":
        return f"{number}-{one}"
    return f"{number} {one if match['n'] == '1' else many}"
