"""Country facts the sending simulation needs: calling codes, prices, simulator numbers."""

from __future__ import annotations

# calling code -> ISO country (longest prefix wins); +1 is the US unless the area code is Canadian
CALLING_CODES = {
    "1": "US",
    "7": "RU",
    "20": "EG",
    "27": "ZA",
    "30": "GR",
    "31": "NL",
    "32": "BE",
    "33": "FR",
    "34": "ES",
    "36": "HU",
    "39": "IT",
    "40": "RO",
    "41": "CH",
    "43": "AT",
    "44": "GB",
    "45": "DK",
    "46": "SE",
    "47": "NO",
    "48": "PL",
    "49": "DE",
    "51": "PE",
    "52": "MX",
    "54": "AR",
    "55": "BR",
    "56": "CL",
    "57": "CO",
    "60": "MY",
    "61": "AU",
    "62": "ID",
    "63": "PH",
    "64": "NZ",
    "65": "SG",
    "66": "TH",
    "81": "JP",
    "82": "KR",
    "84": "VN",
    "86": "CN",
    "90": "TR",
    "91": "IN",
    "92": "PK",
    "234": "NG",
    "254": "KE",
    "351": "PT",
    "352": "LU",
    "353": "IE",
    "358": "FI",
    "372": "EE",
    "420": "CZ",
    "852": "HK",
    "886": "TW",
    "962": "JO",
    "971": "AE",
    "972": "IL",
    "966": "SA",
}
CANADIAN_AREA_CODES = {
    "204",
    "226",
    "236",
    "249",
    "250",
    "289",
    "306",
    "343",
    "365",
    "403",
    "416",
    "418",
    "431",
    "437",
    "438",
    "450",
    "506",
    "514",
    "519",
    "548",
    "579",
    "581",
    "587",
    "604",
    "613",
    "639",
    "647",
    "705",
    "709",
    "778",
    "780",
    "782",
    "807",
    "819",
    "825",
    "867",
    "873",
    "902",
    "905",
}

# AWS SMS simulator destination numbers (aws-events.md section 5): country, success, failure
SIMULATOR_DESTINATIONS = {
    "AU": ("+61455944038", "+61455944039"),
    "AT": ("+43676800442031", "+43676800442032"),
    "BE": ("+32460213922", "+32460213923"),
    "CL": ("+56229140630", "+56229140631"),
    "CZ": ("+420790542286", "+420790542287"),
    "DK": ("+4525919410", "+4525919215"),
    "EE": ("+37282720792", "+37282720793"),
    "FI": ("+3584573979110", "+3584573979111"),
    "FR": ("+33755512501", "+33755512502"),
    "HK": ("+85257048426", "+85257048854"),
    "HU": ("+36707178770", "+36707178772"),
    "IT": ("+394390009172", "+394390009174"),
    "JE": ("+447937404990", "+447937404992"),
    "LU": ("+352691385880", "+352691385882"),
    "NL": ("+3197008100148", "+3197008100150"),
    "NO": ("+4759449384", "+4759449387"),
    "PL": ("+48732141440", "+48732141442"),
    "PT": ("+351927946948", "+351927946950"),
    "RO": ("+40783900330", "+40783900332"),
    "ES": ("+34683783440", "+34683783442"),
    "SE": ("+46790645100", "+46790645102"),
    "CH": ("+41798075872", "+41798075874"),
    "TW": ("+886903444630", "+886903444632"),
    "GB": ("+447860019066", "+447860019067"),
    "US": ("+14254147755", "+14254147167"),
}
SIMULATOR_COUNTRY = {n: cc for cc, pair in SIMULATOR_DESTINATIONS.items() for n in pair}
SIMULATOR_FAILURES = {pair[1] for pair in SIMULATOR_DESTINATIONS.values()}

# Sandbox-only destinations with a fixed outcome (documented in sandbox/README.md).
FIXED_OUTCOMES = {
    "+12065550100": "TEXT_DELIVERED",
    "+12065550101": "TEXT_CARRIER_UNREACHABLE",
    "+12065550102": "TEXT_BLOCKED",
    "+12065550103": "TEXT_TTL_EXPIRED",
    "+12065550104": "TEXT_UNREACHABLE",
    "+12065550105": "TEXT_SPAM",
    "+12065550106": "TEXT_INVALID",
    "+12065550107": "TEXT_CARRIER_BLOCKED",
    "+12065550108": "TEXT_UNKNOWN",
}

PRICE_PER_PART = {"US": 0.00581, "CA": 0.00764, "GB": 0.0463, "IN": 0.00278}
DEFAULT_PRICE = 0.05
CARRIER_FEE = {"US": 0.00302}


def country_of(number: str) -> str | None:
    if number in SIMULATOR_COUNTRY:
        return SIMULATOR_COUNTRY[number]
    digits = number.lstrip("+")
    for size in (3, 2, 1):
        code = CALLING_CODES.get(digits[:size])
        if code:
            if code == "US" and digits[1:4] in CANADIAN_AREA_CODES:
                return "CA"
            return code
    return None


def calling_code(iso: str) -> str:
    if iso == "CA":
        return "1"
    for code, country in CALLING_CODES.items():
        if country == iso:
            return code
    return "999"


# Countries where a sender ID cannot be used (the user guide's country table, "Supports Sender
# IDs": No, 40 countries), and where it must be registered first ("Registration required":
# notes 1 and 3, and Singapore's SSIR, note 5). Every other country takes a sender ID as it is.
SENDER_ID_UNSUPPORTED = {
    "AR", "BS", "BE", "BR", "CA", "KY", "CL", "CN", "CO", "CR", "DO", "EC", "SV", "GU",
    "GT", "HU", "LR", "MY", "MH", "MX", "FM", "MC", "MZ", "NZ", "NI", "PY", "PE", "PR",
    "CG", "KN", "LC", "WS", "ZA", "KR", "TW", "TM", "US", "UY", "VE", "VI",
}  # fmt: skip
SENDER_ID_REGISTRATION = {
    "AU", "BY", "EG", "IN", "JO", "KW", "PH", "QA", "RU", "SA", "LK", "TH", "TR", "AE",
    "VN", "SG",
}  # fmt: skip

# Every ISO country code served by GetProtectConfigurationCountryRuleSet.
_MORE_COUNTRIES = (
    "AD AF AG AL AM AO AZ BA BB BD BG BH BO BS BY BZ CM CR CY DO DZ EC ET GE GH GT HN HR IQ IS "
    "JM KH KW KZ LB LK LT LV MA MD ME MK MM MN MO MT MU MZ NI NP OM PA PY QA RS RW SI SK SN SV "
    "TN TZ UA UG UY UZ VE ZM ZW"
)
ALL_COUNTRIES = sorted(set(CALLING_CODES.values()) | {"CA", "JE"} | set(_MORE_COUNTRIES.split()))
