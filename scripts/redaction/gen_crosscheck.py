#!/usr/bin/env python3
"""A second, independent holdout for ChatVault's redactor (stdlib only, seeded).

Written apart from ../shared/corpus/gen_corpus.py and from gen_holdout.py, with its own
templates, languages and evasions, so a figure on it says how the redactor does on text
it was not written against. Writes the shared corpus format, which
../shared/corpus/score.py scores:

    {"id", "text", "spans": [{"start","end","type"}], "negatives": [{"start","end","type"}]}

Offsets are Unicode code points, end exclusive.

    python3 scripts/redaction/gen_crosscheck.py --n 3000 --seed 11 --out /tmp/xcheck.jsonl
    scripts/redaction-accuracy.sh /tmp/xcheck.jsonl
"""
import argparse
import json
import random
import string

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f"]

FIRST = ["Olga", "Henrik", "Aiyana", "Bartholomew", "Chiara", "Dmitri", "Eun-ji", "Fatima", "Gunnar", "Hiroshi",
         "Ines", "Jorge", "Katarzyna", "Lars", "Mireille", "Nnamdi", "Oskar", "Priyanka", "Quentin", "Rosalind",
         "Sven", "Thandiwe", "Ulrich", "Valentina", "Wojciech", "Ximena", "Yusuf", "Zofia", "Amadou", "Brigitte",
         "Cormac", "Dagny", "Esperanza", "Florin", "Giedre", "Hamza", "Ilse", "Joaquim", "Kalani", "Leopold"]
LAST = ["Lindqvist", "Okonkwo", "Castellano", "Wiśniewski", "Haraldsen", "Nakamura", "Dubois", "Ferreira",
        "Kowalczyk", "van Rijn", "De Luca", "Ó Briain", "Moreau", "Schäfer", "Abernathy", "Papadakis",
        "Oyelaran", "Horvath", "Takahashi", "Mendoza-Ruiz", "MacAllister", "Bergström", "Vasquez", "Achterberg",
        "Delacroix", "Ivanova", "Kruger", "Lombardi", "Nieminen", "Quispe"]
NONLATIN = ["李娜", "陈静", "山田 太郎", "Алексей Смирнов", "Наталья Кузнецова", "Δημήτρης Νικολάου",
            "أحمد حسن", "김민준"]

FIRMS = ["Goldman Sachs", "Charles Schwab", "Wells Fargo", "Edward Jones", "Lloyds", "Barclays",
         "Fidelity", "Vanguard", "Deutsche Bank", "BNP Paribas"]
PLACES = ["Chicago", "Frankfurt", "Lisbon", "Osaka", "Denver", "Geneva", "Austin", "Dublin"]

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
           "ottobre", "novembre", "dicembre"],
}


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def card(r):
    prefix, length = r.choice([("4", 16), ("51", 16), ("2223", 16), ("34", 15), ("37", 15), ("6011", 16),
                               ("35", 16), ("4", 19), ("62", 19)])
    body = prefix + "".join(r.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn_digit(body)


def bad_luhn(r):
    c = card(r)
    return c[:-1] + str((int(c[-1]) + 1 + r.randrange(8)) % 10)


def group_card(r, digits):
    style = r.randrange(6)
    if len(digits) == 15 and style < 3:
        return f"{digits[:4]} {digits[4:10]} {digits[10:]}"
    if style == 0:
        return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    if style == 1:
        return "-".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    if style == 2:
        return ".".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    if style == 3:
        return digits[:6] + " " + digits[6:]
    if style == 4:
        return " ".join(digits)
    return digits


def ssn(r):
    while True:
        a = r.randrange(1, 900)
        if a != 666:
            break
    return f"{a:03d}", f"{r.randrange(1, 100):02d}", f"{r.randrange(1, 10000):04d}"


IBAN_SPECS = {"DE": (22, "n18"), "FR": (27, "n23"), "ES": (24, "n20"), "NL": (18, "a4n10"), "IT": (27, "a1n22"),
              "GB": (22, "a4n14"), "BE": (16, "n12"), "PL": (28, "n24")}


def iban(r):
    cc = r.choice(list(IBAN_SPECS))
    _, spec = IBAN_SPECS[cc]
    bban = ""
    i = 0
    while i < len(spec):
        kind = spec[i]
        j = i + 1
        while j < len(spec) and spec[j].isdigit():
            j += 1
        n = int(spec[i + 1:j])
        bban += "".join(r.choice(string.ascii_uppercase if kind == "a" else string.digits) for _ in range(n))
        i = j
    numeric = "".join(str(int(ch, 36)) for ch in bban + cc + "00")
    check = 98 - int(numeric) % 97
    value = f"{cc}{check:02d}{bban}"
    if r.random() < 0.6:
        value = " ".join(value[k:k + 4] for k in range(0, len(value), 4))
    return value


def phone(r):
    return r.choice([
        lambda: f"+49 {r.randrange(150, 180)} {r.randrange(1000000, 9999999)}",
        lambda: f"0{r.randrange(151, 179)}/{r.randrange(1000000, 9999999)}",
        lambda: f"+33 6 {r.randrange(10, 99)} {r.randrange(10, 99)} {r.randrange(10, 99)} {r.randrange(10, 99)}",
        lambda: f"06.{r.randrange(10, 99)}.{r.randrange(10, 99)}.{r.randrange(10, 99)}.{r.randrange(10, 99)}",
        lambda: f"+34 6{r.randrange(10, 99)} {r.randrange(100, 999)} {r.randrange(100, 999)}",
        lambda: f"+44 (0)20 {r.randrange(7000, 8999)} {r.randrange(1000, 9999)}",
        lambda: f"07{r.randrange(100, 999)} {r.randrange(100000, 999999)}",
        lambda: f"({r.randrange(201, 989)}) {r.randrange(200, 999)}-{r.randrange(1000, 9999)}",
        lambda: f"{r.randrange(201, 989)}.{r.randrange(200, 999)}.{r.randrange(1000, 9999)}",
        lambda: f"+39 3{r.randrange(10, 99)} {r.randrange(100, 999)} {r.randrange(1000, 9999)}",
        lambda: f"+31 6 {r.randrange(10000000, 99999999)}",
    ])()


def email(r, name):
    local = name.lower().replace(" ", ".").replace("'", "")
    local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == "."))
    return f"{local or 'client'}{r.randrange(1, 99)}@{r.choice(['posteo.de', 'gmx.net', 'yahoo.fr', 'proton.me', 'outlook.es'])}"


def dob(r):
    y, m, d = r.randrange(1935, 2004), r.randrange(1, 13), r.randrange(1, 29)
    lang = r.choice(list(MONTHS))
    return r.choice([
        f"{d:02d}.{m:02d}.{y}", f"{y}{m:02d}{d:02d}", f"{d} {MONTHS[lang][m - 1]} {y}",
        f"{d:02d}{MONTHS['en'][m - 1][:3].upper()}{y}", f"{m}/{d}/{y}", f"{y}-{m:02d}-{d:02d}",
    ]), lang


def passport(r):
    return r.choice([
        lambda: "".join(r.choice(string.digits) for _ in range(9)),
        lambda: r.choice(string.ascii_uppercase) + "".join(r.choice(string.digits) for _ in range(8)),
        lambda: "".join(r.choice(string.ascii_uppercase) for _ in range(2)) + "".join(
            r.choice(string.digits) for _ in range(7)),
        lambda: "C" + "".join(r.choice("CFGHJKLMNPRTVWXYZ0123456789") for _ in range(8)),
    ])()


def name(r):
    if r.random() < 0.1:
        return r.choice(NONLATIN)
    return f"{r.choice(FIRST)} {r.choice(LAST)}"


def evade(r, value):
    """Invisible characters or wrapping, as people and tools insert them."""
    roll = r.random()
    if roll < 0.12:
        pos = r.randrange(1, len(value))
        return value[:pos] + r.choice(INVISIBLE) + value[pos:]
    return value


class Msg:
    def __init__(self):
        self.text = ""
        self.spans = []
        self.negatives = []

    def add(self, s):
        self.text += s
        return self

    def val(self, value, kind, wrap=None):
        if wrap:
            self.text += wrap[0]
        start = len(self.text)
        self.text += value
        self.spans.append({"start": start, "end": len(self.text), "type": kind})
        if wrap:
            self.text += wrap[1]
        return self

    def neg(self, value, kind):
        start = len(self.text)
        self.text += value
        self.negatives.append({"start": start, "end": len(self.text), "type": kind})
        return self


WRAPS = [None, None, None, ('"', '"'), ("*", "*"), ("[", "]"), ("«", "»"), ("(", ")"), ("`", "`")]


def positive(r):
    w = r.choice(WRAPS)
    n = name(r)
    kind = r.randrange(10)
    m = Msg()
    if kind == 0:
        c = evade(r, group_card(r, card(r)))
        t = r.choice([("pls bill the card ", " before eod"), ("Kartennummer: ", ""), ("numéro de carte ", " merci"),
                      ("client read me ", " over the phone"), ("tarjeta ", " caducidad 09/29")])
        m.add(t[0]).val(c, "CREDIT_CARD", w).add(t[1])
    elif kind == 1:
        a, b, c = ssn(r)
        sep = r.choice(["-", " ", ".", " - "])
        t = r.choice([("her social is ", ""), ("SSN# ", " confirmed"), ("soc sec no. ", " on the W-9"),
                      ("tax id (ssn) ", "")])
        m.add(t[0]).val(evade(r, f"{a}{sep}{b}{sep}{c}"), "US_SSN", w).add(t[1])
    elif kind == 2:
        t = r.choice([("wire to IBAN ", " today"), ("Bankverbindung ", ""), ("RIB/IBAN : ", ""),
                      ("cuenta IBAN ", " por favor"), ("pay into ", " (joint acct)")])
        m.add(t[0]).val(evade(r, iban(r)), "IBAN", w).add(t[1])
    elif kind == 3:
        acct = "".join(r.choice(string.digits) for _ in range(r.randrange(8, 13)))
        t = r.choice([("checking acct no ", ""), ("Kontonummer ", " bei der Sparkasse"), ("account # ", " routing ok"),
                      ("numero di conto ", "")])
        m.add(t[0]).val(acct, "BANK_ACCOUNT", w).add(t[1])
    elif kind == 4:
        t = r.choice([("call her on ", " after 5"), ("Handy: ", ""), ("tél. ", " (portable)"), ("móvil ", ""),
                      ("reach me at ", " tomorrow"), ("whatsapp ", " pls")])
        m.add(t[0]).val(evade(r, phone(r)), "PHONE_NUMBER", w).add(t[1])
    elif kind == 5:
        t = r.choice([("his private mail is ", ""), ("E-Mail: ", " (privat)"), ("send it to ", " not the work one"),
                      ("correo ", "")])
        m.add(t[0]).val(evade(r, email(r, n)), "EMAIL_ADDRESS", w).add(t[1])
    elif kind == 6:
        d, lang = dob(r)
        cue = {"en": ["born ", "DOB ", "birthdate: "], "de": ["geb. ", "Geburtsdatum "],
               "fr": ["né le ", "date de naissance "], "es": ["nacido el ", "fecha de nac. "],
               "it": ["nato il ", "data di nascita "]}[lang]
        m.add(r.choice(cue)).val(d, "DATE_OF_BIRTH", w).add(r.choice(["", " per the KYC form", " ok"]))
    elif kind == 7:
        p = passport(r)
        if r.random() < 0.3:
            m.val(p, "PASSPORT", w).add(r.choice([" is the passport no", " = Reisepassnummer"]))
        else:
            m.add(r.choice(["passport ", "Pass-Nr. ", "n° de passeport ", "pasaporte ", "PPT no "])).val(p, "PASSPORT", w)
    elif kind == 8:
        ip = ".".join(str(r.randrange(1, 255)) for _ in range(4))
        m.add(r.choice(["she logged in from ", "source ip ", "Zugriff von IP "])).val(ip, "IP_ADDRESS").add(
            r.choice(["", " yesterday"]))
    else:
        shape = r.randrange(5)
        if shape == 0:
            m.val(n, "PERSON").add(r.choice([" called about the margin call", " wants the statement resent"]))
        elif shape == 1:
            m.add(r.choice(["booked for ", "cust ", "pt ", "client "])).val(n, "PERSON").add(" at 3pm")
        elif shape == 2:
            m.add("spoke to ").val(n, "PERSON").add(" at ").add(r.choice(FIRMS))
        elif shape == 3:
            m.val(n, "PERSON").add("'s ").add(r.choice(["statement", "portfolio", "complaint"])).add(" is done")
        else:
            m.val(n, "PERSON").add(" | ")
            d, _ = dob(r)
            m.val(d, "DATE_OF_BIRTH").add(" | ").val(phone(r), "PHONE_NUMBER")
    return m


def negative(r):
    m = Msg()
    kind = r.randrange(9)
    if kind == 0:
        m.add("order ").neg(f"#{r.randrange(10 ** 7, 10 ** 9)}", "ORDER").add(" shipped")
    elif kind == 1:
        m.add("ISIN ").neg("US" + "".join(r.choice(string.digits) for _ in range(10)), "ISIN").add(" added")
    elif kind == 2:
        m.add("tracking ").neg("1Z" + "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
                               "TRACKING")
    elif kind == 3:
        m.add("upgraded to ").neg(f"v{r.randrange(1, 9)}.{r.randrange(0, 20)}.{r.randrange(0, 99)}", "VERSION")
    elif kind == 4:
        m.add("ref ").neg(bad_luhn(r), "BAD_LUHN").add(" is not a card")
    elif kind == 5:
        m.add("settles ").neg(f"{r.randrange(2024, 2027)}-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d}",
                              "TRADE_DATE").add(" T+2")
    elif kind == 6:
        m.add("filled ").neg(f"{r.randrange(1, 999)},{r.randrange(100, 999)}.{r.randrange(10, 99)}", "PRICE").add(
            " EUR")
    elif kind == 7:
        m.add("meet at ").neg(r.choice(FIRMS), "FIRM").add(" in ").neg(r.choice(PLACES), "PLACE")
    else:
        m.add("ticket ").neg(f"JIRA-{r.randrange(100, 99999)}", "TICKET").add(" closed")
    return m


CLEAN = ["ok thx", "can you resend the deck", "lunch at 12:30?", "Markets closed early today",
         "Q3 numbers look fine", "I'll be out Friday", "merci, à demain", "Danke für die Info",
         "vale, luego hablamos", "The May contract rolled", "Will do", "see you in Chicago"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    with open(a.out, "w", encoding="utf-8") as f:
        for i in range(a.n):
            roll = r.random()
            if roll < 0.5:
                m = positive(r)
            elif roll < 0.75:
                m = negative(r)
            else:
                m = Msg().add(r.choice(CLEAN))
            f.write(json.dumps({"id": f"x{i:06d}", "text": m.text, "spans": m.spans, "negatives": m.negatives},
                               ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
