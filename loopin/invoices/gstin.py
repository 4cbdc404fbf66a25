"""GSTIN: the 15-character Indian GST identification number, its format and its check character.

Layout: 2-digit state code, the holder's 10-character PAN (5 letters, 4 digits, 1 letter), the entity
number within the PAN (1-9, A-Z), "Z" (by default), and a check character over the first 14 (base 36,
factors 1, 2, 1, 2, …; each product adds its quotient and remainder by 36).
"""

from __future__ import annotations

import re

_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_FORMAT = re.compile(r"^(\d{2})[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$")

# GST state codes (the first two digits of a GSTIN and the place of supply); 97: other territory, 99: centre.
STATE_CODES: dict[str, str] = {
    "01": "Jammu and Kashmir",
    "02": "Himachal Pradesh",
    "03": "Punjab",
    "04": "Chandigarh",
    "05": "Uttarakhand",
    "06": "Haryana",
    "07": "Delhi",
    "08": "Rajasthan",
    "09": "Uttar Pradesh",
    "10": "Bihar",
    "11": "Sikkim",
    "12": "Arunachal Pradesh",
    "13": "Nagaland",
    "14": "Manipur",
    "15": "Mizoram",
    "16": "Tripura",
    "17": "Meghalaya",
    "18": "Assam",
    "19": "West Bengal",
    "20": "Jharkhand",
    "21": "Odisha",
    "22": "Chhattisgarh",
    "23": "Madhya Pradesh",
    "24": "Gujarat",
    "26": "Dadra and Nagar Haveli and Daman and Diu",
    "27": "Maharashtra",
    "29": "Karnataka",
    "30": "Goa",
    "31": "Lakshadweep",
    "32": "Kerala",
    "33": "Tamil Nadu",
    "34": "Puducherry",
    "35": "Andaman and Nicobar Islands",
    "36": "Telangana",
    "37": "Andhra Pradesh",
    "38": "Ladakh",
    "97": "Other Territory",
    "99": "Centre Jurisdiction",
}


def gstin_check_char(first14: str) -> str:
    total = 0
    for i, char in enumerate(first14.upper()):
        product = _CHARS.index(char) * (2 if i % 2 else 1)
        total += product // 36 + product % 36
    return _CHARS[(36 - total % 36) % 36]


def gstin_problem(value: str) -> str | None:
    """Why `value` is not a valid GSTIN, or None when it is (upper case expected)."""
    match = _FORMAT.match(value)
    if match is None:
        return "A GSTIN is 15 characters: state code, PAN, entity number, Z and a check character."
    if match.group(1) not in STATE_CODES:
        return f"{match.group(1)} is not a GST state code."
    if gstin_check_char(value[:14]) != value[14]:
        return "The GSTIN's check character does not match: a typing mistake?"
    return None


def state_name(code: str) -> str:
    return STATE_CODES.get(code, code)


# Where an event's venue is when the venue names only its city (venues have no state field): the larger
# cities; any other city falls back to GST_DEFAULT_PLACE_OF_SUPPLY.
CITY_STATES: dict[str, str] = {
    "mumbai": "27",
    "pune": "27",
    "nagpur": "27",
    "bengaluru": "29",
    "bangalore": "29",
    "mysuru": "29",
    "delhi": "07",
    "new delhi": "07",
    "gurugram": "06",
    "gurgaon": "06",
    "noida": "09",
    "lucknow": "09",
    "chennai": "33",
    "coimbatore": "33",
    "hyderabad": "36",
    "kolkata": "19",
    "ahmedabad": "24",
    "surat": "24",
    "jaipur": "08",
    "goa": "30",
    "panaji": "30",
    "kochi": "32",
    "thiruvananthapuram": "32",
    "chandigarh": "04",
    "indore": "23",
    "bhopal": "23",
}


def city_state(city: str) -> str | None:
    return CITY_STATES.get(city.strip().lower())
