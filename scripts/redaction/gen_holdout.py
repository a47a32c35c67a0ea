#!/usr/bin/env python3
"""ChatVault's own labelled chat generator for redaction accuracy (a holdout independent
of ../shared/corpus): its own templates in several languages (en, de, fr, es, it, nl, pt,
pl, sv), the evasions people and tools produce (invisible characters inside values,
dots/slashes/runs of spaces, irregular grouping, wrapping in quotes, asterisks, brackets
or guillemets, spaced-out and full-width digits, NBSP and thin spaces, line breaks),
clean messages and hard negatives.

    scripts/redaction/gen_holdout.py --n 5000 --seed 1 --out /tmp/holdout.jsonl
    scripts/redaction/gen_holdout.py --n 5000 --seed 2 --variant b --out /tmp/holdout-b.jsonl
    scripts/redaction-accuracy.sh /tmp/holdout.jsonl

Output: the shared corpus format, one JSON object a line,
{"id","text","spans":[{"start","end","type"}],"negatives":[{"start","end","type"}]},
offsets in Unicode code points, end exclusive. National ids are labelled PASSPORT (the
scorer has no national-id type). Only the standard library is used.
"""

import argparse
import json
import random
import string

INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202a", "\u202c",
              "\u202d", "\u2066", "\u2069"]
SPACES = [" ", "\u00a0", "\u2009", "\u202f", "  "]
WRAPS = [("\"", "\""), ("'", "'"), ("*", "*"), ("**", "**"), ("(", ")"), ("[", "]"), ("«", "»"), ("«\u00a0", "\u00a0»"),
         ("„", "“"), ("“", "”"), ("<", ">"), ("`", "`")]

# --------------------------------------------------------------------------- names
FIRST = ["Ingrid", "Matteo", "Sofía", "Jan", "Zofia", "Lars", "Amélie", "Joaquim", "Henrike", "Piotr", "Beatriz",
         "Giulia", "Sven", "Noor", "Thijs", "Élodie", "Rafael", "Katarzyna", "Ahmed", "Yuki", "Olumide", "Priya",
         "Dmitri", "Chiara", "Bartosz", "Freja", "Lucía", "Maarten", "Agnieszka", "Hannelore", "Duarte", "Océane"]
LAST = ["Lindqvist", "Bianchi", "Navarro", "de Vries", "Kowalczyk", "Johansson", "Lefèvre", "Carvalho", "Brandt",
        "Wiśniewski", "Esposito", "van den Berg", "Moreau", "Fernández", "Nowak", "Øberg", "Okafor", "Raghunathan",
        "Sokolov", "Marchetti", "Dąbrowski", "Haugen", "García Ruiz", "Jansen", "Schäfer-Wolff", "Dubois", "Costa",
        "Rossi", "Müller", "Santos", "Petrović", "O'Neill"]


def person(r):
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


# --------------------------------------------------------------------------- values
def luhn_complete(prefix, length, r):
    digits = [int(c) for c in prefix]
    while len(digits) < length - 1:
        digits.append(r.randrange(10))
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    digits.append((10 - total % 10) % 10)
    return "".join(map(str, digits))


def luhn_ok(number):
    total = 0
    for i, c in enumerate(reversed(number)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


CARD_BRANDS = [("4", 16), ("4", 19), ("4", 13), ("51", 16), ("55", 16), ("2221", 16), ("2720", 16), ("34", 15),
               ("37", 15), ("6011", 16), ("65", 16), ("6011", 19), ("3528", 16), ("3589", 19), ("36", 14),
               ("300", 14), ("62", 16), ("62", 19)]


def card(r):
    prefix, length = r.choice(CARD_BRANDS)
    number = luhn_complete(prefix, length, r)
    if length == 15:
        groups = [4, 6, 5]
    elif length == 14:
        groups = [4, 6, 4]
    elif length == 19:
        groups = r.choice([[4, 4, 4, 4, 3], [6, 13], [19]])
    elif length == 13:
        groups = r.choice([[4, 3, 3, 3], [13]])
    else:
        groups = r.choice([[4, 4, 4, 4], [4, 4, 4, 4], [16], [6, 10], [4, 4, 8], [8, 8]])
    return group(number, groups, r, seps=[" ", "-", ".", "  ", " - ", "/", "\u00a0", "\u2009"])


def group(number, sizes, r, seps=(" ",), mixed=False):
    parts = []
    i = 0
    for s in sizes:
        parts.append(number[i:i + s])
        i += s
    if i < len(number):
        parts.append(number[i:])
    sep = r.choice(list(seps))
    out = parts[0]
    for p in parts[1:]:
        out += (r.choice(list(seps)) if mixed else sep) + p
    return out


def ssn(r):
    while True:
        area = r.randrange(1, 900)
        if area != 666:
            break
    g = r.randrange(1, 100)
    s = r.randrange(1, 10000)
    a, b, c = f"{area:03d}", f"{g:02d}", f"{s:04d}"
    return r.choice([f"{a}-{b}-{c}", f"{a} {b} {c}", f"{a}.{b}.{c}", f"{a} - {b} - {c}", f"{a}/{b}/{c}",
                     f"{a}–{b}–{c}", f"{a}  {b}  {c}", f"{a}{b}{c}"])


IBAN_SPECS = {"DE": "8n10n", "FR": "5n5n11c2n", "ES": "4n4n1n1n10n", "IT": "1a5n5n12c", "NL": "4a10n", "GB": "4a6n8n",
              "BE": "3n7n2n", "AT": "5n11n", "CH": "5n12c", "PL": "8n16n", "PT": "4n4n11n2n", "SE": "3n16n1n",
              "IE": "4a6n8n", "DK": "4n9n1n", "NO": "4n6n1n", "FI": "3n11n"}


def iban(r):
    country = r.choice(list(IBAN_SPECS))
    spec = IBAN_SPECS[country]
    bban = ""
    num = ""
    for ch in spec:
        if ch.isdigit():
            num += ch
            continue
        n = int(num)
        num = ""
        pool = {"n": string.digits, "a": string.ascii_uppercase, "c": string.ascii_uppercase + string.digits}[ch]
        bban += "".join(r.choice(pool) for _ in range(n))
    rearranged = bban + country + "00"
    value = int("".join(str(int(c, 36)) for c in rearranged))
    check = 98 - value % 97
    full = f"{country}{check:02d}{bban}"
    style = r.random()
    if style < 0.5:
        return " ".join(full[i:i + 4] for i in range(0, len(full), 4))
    if style < 0.6:
        return "-".join(full[i:i + 4] for i in range(0, len(full), 4))
    if style < 0.7:
        return full.lower() if r.random() < 0.3 else full
    return full


def phone(r):
    kind = r.randrange(12)
    d = lambda n: "".join(r.choice(string.digits) for _ in range(n))
    if kind == 0:
        return f"0{r.choice(['151', '160', '162', '170', '176'])}/{d(7)}"
    if kind == 1:
        return f"0{r.choice(['30', '40', '89', '69'])} {d(7)}"
    if kind == 2:
        return f"+49 {r.choice(['151', '162', '176'])} {d(8)}"
    if kind == 3:
        return f"6{d(2)} {d(2)} {d(2)} {d(2)}" if r.random() < 0.5 else f"+34 6{d(2)} {d(3)} {d(3)}"
    if kind == 4:
        x = [f"{r.randrange(10, 100)}" for _ in range(4)]
        return f"0{r.choice('67')} {' '.join(x)}" if r.random() < 0.5 else f"+33 {r.choice('67')} {' '.join(x)}"
    if kind == 5:
        return f"07700 {d(6)}" if r.random() < 0.5 else f"+44 (0)20 {d(4)} {d(4)}"
    if kind == 6:
        return f"+39 3{d(2)} {d(3)} {d(4)}" if r.random() < 0.5 else f"3{d(2)} {d(3)} {d(4)}"
    if kind == 7:
        return f"06-{d(8)}" if r.random() < 0.5 else f"+31 6 {d(8)}"
    if kind == 8:
        a, b = r.randrange(2, 10), r.randrange(2, 10)
        return r.choice([f"({a}{d(2)}) {b}{d(2)}-{d(4)}", f"{a}{d(2)}.{b}{d(2)}.{d(4)}", f"+1 {a}{d(2)} {b}{d(2)} {d(4)}",
                         f"1-{a}{d(2)}-{b}{d(2)}-{d(4)}"])
    if kind == 9:
        return f"+351 9{d(2)} {d(3)} {d(3)}"
    if kind == 10:
        return f"+48 {r.randrange(500, 900)} {d(3)} {d(3)}"
    return f"+46 70 {d(3)} {d(2)} {d(2)}"


def email(r):
    first = r.choice(["ingrid", "m.bianchi", "sofia_n", "jan.devries", "z.kowalczyk", "lars77", "amelie.lefevre",
                      "jcarvalho", "henrike-b", "p.nowak", "bea.santos", "giulia+bank"])
    domain = r.choice(["gmail.com", "web.de", "orange.fr", "libero.it", "ziggo.nl", "wp.pl", "telia.se", "sapo.pt",
                       "yahoo.es", "posteo.de", "proton.me", "outlook.com"])
    return f"{first}@{domain}"


MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November",
           "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"],
    "pl": ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
           "października", "listopada", "grudnia"],
    "sv": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"],
}


def dob(r, lang="en"):
    y, m, day = r.randrange(1935, 2006), r.randrange(1, 13), r.randrange(1, 29)
    style = r.randrange(9)
    if style == 0:
        return f"{y}{m:02d}{day:02d}"
    if style == 1:
        return f"{day:02d}{m:02d}{y}"
    if style == 2:
        return f"{day:02d}{MONTHS['en'][m - 1][:3].upper()}{y}"
    if style == 3:
        return f"{day}. {MONTHS[lang][m - 1]} {y}" if lang == "de" else f"{day} {MONTHS[lang][m - 1]} {y}"
    if style == 4:
        return f"{y}-{m:02d}-{day:02d}"
    if style == 5:
        return f"{day:02d}.{m:02d}.{y}"
    if style == 6:
        return f"{m}/{day}/{y}"
    if style == 7:
        return f"{day} de {MONTHS['es'][m - 1]} de {y}" if lang in ("es", "pt") else f"{day}/{m:02d}/{str(y)[2:]}"
    return f"{MONTHS['en'][m - 1]} {day}, {y}"


def dni(r):
    n = r.randrange(10000000, 99999999)
    return f"{n}{'TRWAGMYFPDXBNJZSQVHLCKE'[n % 23]}"


def nie(r):
    lead = r.randrange(3)
    n = r.randrange(1000000, 9999999)
    return f"{'XYZ'[lead]}{n}{'TRWAGMYFPDXBNJZSQVHLCKE'[int(str(lead) + str(n)) % 23]}"


def bsn(r):
    while True:
        d = [r.randrange(10) for _ in range(8)]
        s = sum(x * w for x, w in zip(d, [9, 8, 7, 6, 5, 4, 3, 2]))
        last = s % 11
        if last < 10 and d[0] != 0:
            return "".join(map(str, d)) + str(last)


def nino(r):
    a = r.choice("ABCEGHJKLMNOPRSTWXYZ")
    b = r.choice("ABCEGHJKLMNPRSTWXYZ")
    n = "".join(r.choice(string.digits) for _ in range(6))
    v = f"{a}{b}{n}{r.choice('ABCD')}"
    return v if r.random() < 0.6 else f"{a}{b} {n[:2]} {n[2:4]} {n[4:]} {v[-1]}"


def codice_fiscale(r):
    L = string.ascii_uppercase
    return ("".join(r.choice(L) for _ in range(6)) + f"{r.randrange(100):02d}" + r.choice("ABCDEHLMPRST")
            + f"{r.randrange(1, 72):02d}" + r.choice(L) + f"{r.randrange(1000):03d}" + r.choice(L))


def passport(r):
    k = r.randrange(6)
    L = string.ascii_uppercase
    if k == 0:
        return "".join(r.choice(string.digits) for _ in range(9))
    if k == 1:
        return r.choice(L) + "".join(r.choice(string.digits) for _ in range(8))
    if k == 2:
        return "".join(r.choice(L) for _ in range(2)) + "".join(r.choice(string.digits) for _ in range(7))
    if k == 3:
        return "".join(r.choice("CFGHJKLMNPRTVWXYZ") for _ in range(1)) + "".join(
            r.choice("CFGHJKLMNPRTVWXYZ0123456789") for _ in range(8))
    if k == 4:
        return f"{r.randrange(10, 99)}{r.choice(L)}{r.choice(L)}{r.randrange(10000, 99999)}"
    return r.choice(L) + "".join(r.choice(string.digits) for _ in range(7))


def national(r):
    k = r.randrange(5)
    return [(dni, ["DNI", "mi DNI es", "DNI:", "documento (DNI)"]), (nie, ["NIE", "mi NIE:", "número NIE"]),
            (bsn, ["BSN", "mijn BSN is", "burgerservicenummer"]), (nino, ["NI number", "NINO", "national insurance no."]),
            (codice_fiscale, ["codice fiscale", "il mio codice fiscale è", "CF:"])][k]


def ip(r):
    if r.random() < 0.8:
        return ".".join(str(r.randrange(1, 255)) for _ in range(4))
    return ":".join(f"{r.randrange(65536):x}" for _ in range(8))


def bank(r):
    return "".join(r.choice(string.digits) for _ in range(r.randrange(8, 13)))


# --------------------------------------------------------------------------- evasions
def evade(value, r, kind):
    """Invisible characters, full-width digits, spaced-out digits or a line break inside a value."""
    roll = r.random()
    if roll < 0.22:
        chars = list(value)
        for _ in range(r.randrange(1, 4)):
            pos = r.randrange(1, len(chars))
            chars.insert(pos, r.choice(INVISIBLES))
        return "".join(chars)
    if roll < 0.28 and kind in ("CREDIT_CARD", "US_SSN", "PHONE_NUMBER", "BANK_ACCOUNT"):
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in value)
    if roll < 0.32 and kind in ("CREDIT_CARD", "US_SSN"):
        return " ".join(c for c in value if c.isdigit())
    if roll < 0.36 and kind in ("CREDIT_CARD", "IBAN", "PHONE_NUMBER", "US_SSN") and " " in value:
        return value.replace(" ", r.choice(["\u00a0", "\u2009", "\u202f", "  "]))
    return value


def wrap(r):
    return r.choice(WRAPS) if r.random() < 0.3 else ("", "")


# --------------------------------------------------------------------------- templates
# Each template is a list of literal strings and {slot} names; a slot name is a value kind.
T = {
    "CREDIT_CARD": [
        "my card is {v}", "Kartennummer {v}, gültig bis 08/29", "carte bancaire : {v}", "el número de la tarjeta es {v}",
        "numero carta {v} scadenza 11/27", "pls charge {v} for the renewal", "kaartnummer {v}", "nr karty {v}",
        "{v} is the visa, cvv to follow", "use the amex {v}", "kortnummer: {v} tack", "cartão {v}",
        "card on file ends up being {v} - can you retry?", "here: {v}", "{v}",
    ],
    "US_SSN": [
        "SSN {v}", "social is {v}", "my social security number: {v}", "ss# {v} for the w-9", "her SSN — {v}",
        "{v} is my ssn", "soc sec no {v}", "TIN/SSN {v}", "número de seguro social {v}", "ssn: {v} thx",
    ],
    "IBAN": [
        "IBAN {v}", "please wire to {v}", "meine IBAN lautet {v}", "mon IBAN : {v}", "mi IBAN es {v}",
        "IBAN: {v} (Sparkasse)", "rekeningnummer {v}", "konto {v}", "{v} is the account for the refund", "iban {v}",
    ],
    "PHONE_NUMBER": [
        "call me at {v}", "Handy: {v}", "tél. {v}", "mi móvil es el {v}", "cell {v}", "whatsapp {v}",
        "ring me on {v}", "Tel.: {v}", "numero di cellulare {v}", "mobiel {v}", "mob {v} after 5pm", "portable : {v}",
        "reach me on {v} tomorrow", "{v} is my mobile", "tel {v}", "telefon: {v}", "my number's {v}",
    ],
    "EMAIL_ADDRESS": [
        "email me at {v}", "Mail: {v}", "mon adresse : {v}", "escríbeme a {v}", "{v} is my private address",
        "cc {v} please", "e-mail {v}", "scrivimi a {v}",
    ],
    "DATE_OF_BIRTH": [
        ("en", "DOB {v}"), ("en", "D.O.B.: {v}"), ("en", "born {v}"), ("en", "date of birth {v}"), ("en", "birthdate: {v}"),
        ("en", "bday {v}"), ("de", "geb. {v}"), ("de", "Geburtsdatum: {v}"), ("de", "geboren am {v}"),
        ("fr", "née le {v}"), ("fr", "né le {v}"), ("fr", "date de naissance : {v}"), ("es", "nacido el {v}"),
        ("es", "fecha de nacimiento {v}"), ("it", "nato il {v}"), ("it", "data di nascita {v}"), ("nl", "geboortedatum {v}"),
        ("nl", "geboren op {v}"), ("pl", "urodzony {v}"), ("pl", "data urodzenia: {v}"), ("sv", "född {v}"),
        ("pt", "data de nascimento {v}"), ("pt", "nascido em {v}"), ("en", "client was born on {v}"),
        ("en", "{v} is her date of birth"),
    ],
    "PASSPORT": [
        "passport {v}", "passport no. {v}", "PP {v}", "PPT# {v}", "Reisepass {v}", "pasaporte {v}", "passeport n° {v}",
        "passaporto {v}", "paszport {v}", "pass. nr {v}", "{v} is my passport no", "paspoort {v}", "passport number: {v}",
    ],
    "IP_ADDRESS": ["login from {v}", "IP {v}", "server at {v} is down", "ssh to {v}", "blocked ip {v}"],
    "BANK_ACCOUNT": ["account number {v}", "acct # {v}", "Kontonummer {v}", "numéro de compte {v}", "a/c {v}"],
}

CLEAN = [
    "ok, see you at 3", "Danke, passt so.", "on se voit demain ?", "vale, lo miro luego", "va bene, grazie",
    "prima, tot morgen", "tack för hjälpen", "obrigado!", "dzięki, jasne", "lunch at 12:30?", "The market opened flat.",
    "Q3 numbers look fine", "I'll send the deck tonight", "Can we move the call to Thursday?", "+1 on that",
    "haha ok", "meeting moved to 14:00", "sounds good 👍", "bitte Rückruf morgen früh", "rdv à 10h30 au bureau",
    "Reunión el lunes a las 9", "Ci sentiamo alle 17", "upgrade to 2.4.1 fixed it", "price target 145 for now",
]

NEG = {
    "ORDER": lambda r: f"ORD-{r.randrange(100000, 999999)}",
    "ISIN": lambda r: r.choice(["US0378331005", "DE0007164600", "FR0000131104", "IT0003132476", "NL0010273215",
                                 "GB0002634946", "ES0113900J37", "CH0012032048"]),
    "CUSIP": lambda r: r.choice(["037833100", "594918104", "38259P508", "931142103", "88160R101"]),
    "TRACKING": lambda r: r.choice([f"1Z{''.join(r.choice(string.ascii_uppercase + string.digits) for _ in range(6))}"
                                    f"{''.join(r.choice(string.digits) for _ in range(10))}",
                                    "".join(r.choice(string.digits) for _ in range(r.choice([12, 15])))]),
    "VERSION": lambda r: f"{r.randrange(1, 20)}.{r.randrange(0, 30)}.{r.randrange(0, 99)}",
    "TIMESTAMP": lambda r: f"2025-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}Z",
    "PRICE": lambda r: r.choice([f"€{r.randrange(10, 9999)},{r.randrange(100):02d}", f"${r.randrange(1, 999)}.{r.randrange(100):02d}",
                                 f"{r.randrange(1, 99)}.{r.randrange(100, 999)},{r.randrange(100):02d} EUR"]),
    "INVALID_CARD": lambda r: _bad_card(r),
    "ZIP": lambda r: r.choice([f"{r.randrange(10000, 99999)}", f"{r.randrange(1000, 9999)} AB"]),
    "TICKET": lambda r: r.choice([f"JIRA-{r.randrange(100, 9999)}", f"INC{r.randrange(1000000, 9999999)}",
                                  f"#{r.randrange(10000, 99999)}"]),
    "AMOUNT": lambda r: f"{r.randrange(1, 999)} {r.randrange(100, 999)} {r.randrange(100, 999)}",
    "DATE": lambda r: r.choice([f"{r.randrange(1, 29):02d}.{r.randrange(1, 13):02d}.2025", f"2024-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}",
                                f"{r.randrange(1, 29)} {r.choice(MONTHS['en'])} 2025"]),
}

NEG_T = {
    "ORDER": ["order {v} shipped", "Bestellung {v} ist raus", "commande {v} livrée"],
    "ISIN": ["buy 500 {v}", "ISIN {v} settles T+2", "{v} halted"],
    "CUSIP": ["cusip {v}", "CUSIP: {v} in the blotter"],
    "TRACKING": ["tracking {v}", "Sendungsnummer {v}", "fedex {v}"],
    "VERSION": ["upgraded to v{v}", "release {v} is out", "build {v} failed"],
    "TIMESTAMP": ["logged at {v}", "{v} ERROR timeout"],
    "PRICE": ["costs {v}", "settled at {v}", "Preis {v}"],
    "INVALID_CARD": ["ref {v}", "batch {v} processed"],
    "ZIP": ["office zip {v}", "PLZ {v}", "postcode {v}"],
    "TICKET": ["see {v}", "opened {v} for it"],
    "AMOUNT": ["notional {v} EUR", "volume {v} shares"],
    "DATE": ["meeting on {v}", "trade date {v}", "Frist: {v}", "deadline {v}", "réunion le {v}", "reunión el {v}"],
}


def _bad_card(r):
    while True:
        n = "4" + "".join(r.choice(string.digits) for _ in range(15))
        if not luhn_ok(n):
            return " ".join(n[i:i + 4] for i in range(0, 16, 4)) if r.random() < 0.5 else n


class Message:
    def __init__(self):
        self.text = ""
        self.spans = []
        self.negatives = []

    def add(self, s):
        self.text += s

    def value(self, v, kind, negative=False):
        start = len(self.text)
        self.text += v
        (self.negatives if negative else self.spans).append({"start": start, "end": len(self.text), "type": kind})


def fill(msg, template, slot_fn):
    before, _, after = template.partition("{v}")
    msg.add(before)
    slot_fn(msg)
    msg.add(after)


def structured(msg, r, kind):
    lang = "en"
    if kind == "DATE_OF_BIRTH":
        lang, template = r.choice(T[kind])
        raw = dob(r, lang)
    elif kind == "PASSPORT" and r.random() < 0.45:
        fn, cues = national(r)
        raw = fn(r)
        template = r.choice([c + " {v}" for c in cues] + ["{v} (" + cues[0] + ")"])
    else:
        template = r.choice(T[kind])
        raw = {"CREDIT_CARD": card, "US_SSN": ssn, "IBAN": iban, "PHONE_NUMBER": phone, "EMAIL_ADDRESS": email,
               "PASSPORT": passport, "IP_ADDRESS": ip, "BANK_ACCOUNT": bank}[kind](r)
    if kind == "US_SSN" and raw.isdigit() and "{v}" in template and not any(c in template.lower() for c in ("ssn", "social", "seguro", "sec")):
        raw = f"{raw[:3]}-{raw[3:5]}-{raw[5:]}"
    value = evade(raw, r, kind) if kind not in ("DATE_OF_BIRTH", "EMAIL_ADDRESS") or r.random() < 0.5 else raw
    left, right = wrap(r)

    def slot(m):
        m.add(left)
        m.value(value, kind)
        m.add(right)

    fill(msg, template, slot)


def record_row(msg, r):
    """A personal record in a table-like row: name | dob | phone (or CSV)."""
    name = person(r)
    y, mth, d = r.randrange(1940, 2004), r.randrange(1, 13), r.randrange(1, 29)
    date = r.choice([f"{y}-{mth:02d}-{d:02d}", f"{d:02d}.{mth:02d}.{y}", f"{d:02d}/{mth:02d}/{y}"])
    tel = phone(r)
    sep = r.choice([" | ", ", ", ";", "\t", " | "])
    msg.value(name, "PERSON")
    msg.add(sep)
    msg.value(date, "DATE_OF_BIRTH")
    msg.add(sep)
    msg.value(tel, "PHONE_NUMBER")


def negative(msg, r):
    kind = r.choice(list(NEG))
    v = NEG[kind](r)
    template = r.choice(NEG_T[kind])
    fill(msg, template, lambda m: m.value(v, kind, negative=True))


KINDS = ["CREDIT_CARD"] * 14 + ["US_SSN"] * 9 + ["IBAN"] * 9 + ["PHONE_NUMBER"] * 14 + ["EMAIL_ADDRESS"] * 7 + \
        ["DATE_OF_BIRTH"] * 11 + ["PASSPORT"] * 11 + ["IP_ADDRESS"] * 4 + ["BANK_ACCOUNT"] * 4


def make(r):
    m = Message()
    roll = r.random()
    if roll < 0.25:
        m.add(r.choice(CLEAN))
        return m
    if roll < 0.42:
        negative(m, r)
        if r.random() < 0.3:
            m.add(r.choice([", ", " - ", "; "]))
            negative(m, r)
        return m
    if roll < 0.47:
        record_row(m, r)
        return m
    if r.random() < 0.25:
        name = person(r)
        m.add(r.choice(["for ", "cust ", "Kunde ", "client ", "pt "]))
        m.value(name, "PERSON")
        m.add(r.choice([": ", " - ", ", "]))
    structured(m, r, r.choice(KINDS))
    tail = r.random()
    if tail < 0.15:
        m.add(r.choice([" and ", ", ", "\n", " / also "]))
        structured(m, r, r.choice(KINDS))
    elif tail < 0.3:
        m.add(r.choice([", ", " — ", "; "]))
        negative(m, r)
    return m


# --------------------------------------------------------------------------- variant b
# A second set of templates and formats, written before the recognizers were measured on
# it, to estimate what the first set cannot: how the recognizers do on wording they were
# not tuned on.
TB = {
    "CREDIT_CARD": ["card number: {v} exp 09/28", "visa {v}", "pls bill #{v}", "CC: {v} (exp 11/26)", "Kreditkarte {v}",
                    "numéro de carte {v}", "tarjeta de crédito: {v}", "full card is {v} - cvv in next msg"],
    "US_SSN": ["SS no. {v}", "social: {v}", "SSN#{v}", "ssn={v}", "SSN({v})", "Social Security: {v}", "the ssn {v} was rejected"],
    "PHONE_NUMBER": ["t: {v}", "m: {v}", "Mobil: {v}", "cel. {v}", "Tlf. {v}", "phone: {v}", "Telefonnummer {v}",
                     "you can reach her on {v}", "nº de teléfono {v}", "numéro : {v}", "contact {v}"],
    "EMAIL_ADDRESS": ["{v}", "send to <{v}>", "E-Mail-Adresse: {v}", "correo {v}", "reply to {v}."],
    "IBAN": ["IBAN: {v}", "Bankverbindung {v}", "virement sur {v}", "cuenta IBAN {v}", "IBAN nr {v}"],
    "DATE_OF_BIRTH": [("en", "DOB - {v}"), ("en", "date of birth {v}"), ("de", "Geb.-Datum {v}"), ("fr", "naissance : {v}"),
                      ("es", "F. nac.: {v}"), ("de", "geboren {v}"), ("en", "DOB: {v}"), ("en", "born on {v}"),
                      ("it", "nata il {v}"), ("nl", "geb. {v}")],
    "PASSPORT": ["passport# {v}", "passport nbr: {v}", "Passnummer {v}", "n° de passeport {v}", "Ausweisnummer {v}",
                 "ID card no. {v}", "travel doc {v}", "passport — {v}"],
}


def card_b(r):
    prefix, length = r.choice(CARD_BRANDS)
    n = luhn_complete(prefix, length, r)
    style = r.randrange(4)
    if style == 0 and length == 16:
        return f"{n[:4]}-{n[4:8]} {n[8:12]}.{n[12:]}"
    if style == 1:
        return n
    if style == 2 and length == 16:
        return " ".join(n[i:i + 4] for i in range(0, 16, 4))
    return group(n, {15: [4, 6, 5], 14: [4, 6, 4]}.get(length, [4] * (length // 4)), r, seps=[" ", "-"])


def ssn_b(r):
    digits = ssn(r)
    return "".join(c for c in digits if c.isdigit()) if r.random() < 0.3 else digits


def phone_b(r):
    d = lambda n: "".join(r.choice(string.digits) for _ in range(n))
    return r.choice([f"+49 (0) 30 {d(7)}", f"+49-30-{d(7)}", f"+41 79 {d(3)} {d(2)} {d(2)}", f"+43 664 {d(7)}",
                     f"+32 470 {d(2)} {d(2)} {d(2)}", f"+45 20 {d(2)} {d(2)} {d(2)}", f"(0044) 20 {d(4)} {d(4)}",
                     f"+1.415.555.{d(4)}", f"+44 7700 {d(3)} {d(3)}", f"01 42 {d(2)} {d(2)} {d(2)}", f"089/{d(8)}",
                     f"+49 (0)89 {d(4)} {d(4)}", f"0171-{d(7)}", f"333 {d(7)}", f"+48 601 {d(3)} {d(3)}", f"0{d(3)} {d(3)} {d(3)}"])


def email_b(r):
    return r.choice(["Jan.Kowalski@Firma.PL", "first.last+tag@sub.domain.co.uk", "m-r@x-y.eu", "O.Dubois@laposte.net",
                     "k_nowak77@onet.pl", "ingrid.lindqvist@bahnhof.se"])


def iban_b(r):
    v = iban(r).replace(" ", "").replace("-", "")
    return r.choice([v, " ".join(v[i:i + 4] for i in range(0, len(v), 4)), v.lower()])


def dob_b(r):
    y, m, day = r.randrange(1930, 2005), r.randrange(1, 13), r.randrange(1, 29)
    return r.choice([f"{day}{'st' if day in (1, 21) else 'nd' if day in (2, 22) else 'rd' if day in (3, 23) else 'th'} of {MONTHS['en'][m - 1]} {y}",
                     f"{y}/{m:02d}/{day:02d}", f"{day:02d}-{m:02d}-{y}", f"{day:02d}.{m:02d}.{str(y)[2:]}",
                     f"{MONTHS['en'][m - 1]} {day}, {y}", f"{day:02d} {MONTHS['en'][m - 1][:3]} {y}", f"{day}-{m}-{y}"])


def passport_b(r):
    L = string.ascii_uppercase
    return r.choice([f"{r.randrange(10, 99)}{r.choice(L)}{r.choice(L)}{r.randrange(10000, 99999)}",
                     r.choice("CFGHJK") + "".join(r.choice("CFGHJKLMNPRTVWXYZ0123456789") for _ in range(8)),
                     "T" + "".join(r.choice(string.digits) for _ in range(9)), "CA" + "".join(r.choice(string.digits) for _ in range(7)),
                     "".join(r.choice(string.digits) for _ in range(9)), r.choice(L) + "".join(r.choice(string.digits) for _ in range(8))])


NEG_B = {
    "INVOICE": ("invoice {v} is overdue", lambda r: f"INV-2024-{r.randrange(10000, 99999)}"),
    "PO": ("PO {v} approved", lambda r: f"45000{r.randrange(10000, 99999)}"),
    "IMEI": ("IMEI {v}", lambda r: luhn_complete("35" + str(r.randrange(100000, 999999)), 15, r)),
    "SKU": ("SKU {v} out of stock", lambda r: f"{r.randrange(100, 999)}-{r.randrange(100, 999)}-{r.randrange(100, 999)}"),
    "BALANCE": ("balance {v}", lambda r: f"{r.randrange(1, 99)},{r.randrange(100, 999)}.{r.randrange(10, 99)}"),
    "TIME": ("call at {v}", lambda r: f"{r.randrange(7, 19)}:{r.choice(['00', '15', '30', '45'])}"),
    "BUILD": ("build {v}", lambda r: f"2024.{r.randrange(1, 13):02d}.{r.randrange(1, 29):02d}"),
    "REF": ("ref {v}", lambda r: f"2024/{r.randrange(1, 13):02d}/{r.randrange(1, 29):02d}"),
    "CONF": ("conference on {v}", lambda r: f"{r.randrange(1, 29)} {r.choice(MONTHS['en'])} 2025"),
    "EAN": ("EAN {v}", lambda r: "400" + "".join(r.choice(string.digits) for _ in range(10))),
    "AWB": ("AWB {v}", lambda r: f"{r.randrange(100, 999)}-{r.randrange(10000000, 99999999)}"),
    "SERIAL": ("serial SN-{v}", lambda r: str(r.randrange(10000000, 99999999))),
    "ROOM": ("room {v}", lambda r: str(r.randrange(100, 2000))),
    "QTY": ("qty {v} shares @ 101.25", lambda r: f"{r.randrange(1, 99)},{r.randrange(100, 999)}"),
}


def make_b(r):
    m = Message()
    roll = r.random()
    if roll < 0.2:
        m.add(r.choice(CLEAN))
        return m
    if roll < 0.4:
        kind = r.choice(list(NEG_B))
        template, fn = NEG_B[kind]
        fill(m, template, lambda mm: mm.value(fn(r), kind, negative=True))
        return m
    if roll < 0.45:
        name = person(r)
        y, mth, d = r.randrange(1940, 2004), r.randrange(1, 13), r.randrange(1, 29)
        sep = r.choice(["; ", "\t", " | "])
        m.value(name, "PERSON")
        m.add(sep)
        m.value(f"{d:02d}/{mth:02d}/{y}", "DATE_OF_BIRTH")
        m.add(sep)
        m.value(phone_b(r), "PHONE_NUMBER")
        return m
    kind = r.choice(list(TB))
    if kind == "DATE_OF_BIRTH":
        lang, template = r.choice(TB[kind])
        raw = dob_b(r)
    else:
        template = r.choice(TB[kind])
        raw = {"CREDIT_CARD": card_b, "US_SSN": ssn_b, "PHONE_NUMBER": phone_b, "EMAIL_ADDRESS": email_b, "IBAN": iban_b,
               "PASSPORT": passport_b}[kind](r)
    value = evade(raw, r, kind) if r.random() < 0.4 else raw
    fill(m, template, lambda mm: mm.value(value, kind))
    if r.random() < 0.2:
        m.add(r.choice([" ", ". ", ", "]))
        kind2 = r.choice(list(NEG_B))
        template2, fn2 = NEG_B[kind2]
        fill(m, template2, lambda mm: mm.value(fn2(r), kind2, negative=True))
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--variant", choices=["a", "b"], default="a", help="b: the second template set")
    a = ap.parse_args()
    r = random.Random(a.seed)
    with open(a.out, "w", encoding="utf-8") as f:
        for i in range(a.n):
            m = make(r) if a.variant == "a" else make_b(r)
            f.write(json.dumps({"id": f"h{i + 1:06d}", "text": m.text, "spans": m.spans, "negatives": m.negatives},
                               ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
