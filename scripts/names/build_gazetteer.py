#!/usr/bin/env python3
"""Builds ChatVault's name gazetteer: Sources/ChatVaultRedaction/Names/NameGazetteer+Data.swift.

Sources (see docs/NAMES.md and Sources/ChatVaultRedaction/Names/NOTICE.md):
  * US Census 1990 name files (public domain, US government work), as shipped by the PyPI
    package `names` 0.3.0 (MIT): dist.male.first, dist.female.first, dist.all.last.
  * Faker (PyPI `faker`, MIT): first and last names of every person locale, and places
    (cities, countries, states, regions) of every address locale, plus geo land_coords.
  * SCOWL size-35 American English word list (Debian `wamerican-small`, SCOWL licence:
    permissive, notice kept) and Faker's lorem word lists (de, fr, es, it, nl, en, la): lower-case
    entries are everyday words; a name that is also one (`may`, `will`, `bill`, `price`)
    needs context before it counts, and a capitalised everyday word is not a name.

Every word is folded the way ScannedText folds a token (per scalar: NFKD, lower-case,
combining marks removed), so the recognizer looks a token's `folded` up directly.

Output: one raw string literal, sections `#given`, `#surname`, `#place`, `#common`,
one folded word per line, names in frequency order (Census ranks first, then Faker's
lists, which have no frequencies). Usage:

    python3 scripts/names/build_gazetteer.py [--cache /tmp/chatvault-names]

Packages are fetched with `pip download` (PyPI) into the cache and read from their
archives; `wamerican-small` must be installed (`apt-get install wamerican-small`).
"""
import argparse
import importlib
import os
import pkgutil
import subprocess
import sys
import tarfile
import unicodedata
import zipfile

NAMES_VERSION = "0.3.0"
FAKER_VERSION = "40.63.0"
SCOWL = "/usr/share/dict/american-english-small"
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "ChatVaultRedaction", "Names", "NameGazetteer+Data.swift")
CENSUS_SURNAMES = 40000  # the 40,000 most frequent Census surnames (~90% of people)

# Names that are also everyday words and must not count alone, whatever their rank.
AMBIGUOUS = """may will bill mark rose grant price page hope grace joy faith dawn april june august summer
autumn winter spring sky rich young white black green brown gray grey king long hill wood woods
rock stone ray sandy rusty dusty chase hunter cash penny bob rob pat sue don jack frank drew guy
art miles chance christian victor sterling royal earl duke prince baron major gay dean bishop
pope march sunday monday friday tuesday wednesday thursday saturday reed rush lane field fields
park parks street wall walls ward cook baker miller carter mason porter fisher taylor turner
bell bush burns hall banks love lovely best good strong sharp short small little north south
east west winter hart moon sun day night star storm rain snow frost river lake brook ford bay
cliff dale glen heath holly ivy iris lily daisy jade ruby pearl amber crystal violet olive
sage basil herb ginger candy honey sugar cherry berry apple""".split()

# Cities chat names often that are also people's names (our own list): a place first.
MAJOR_CITIES = """london paris tokyo berlin madrid rome milan munich vienna zurich geneva dublin oslo stockholm
amsterdam brussels lisbon prague warsaw moscow athens istanbul dubai mumbai delhi singapore sydney
melbourne adelaide brisbane perth toronto montreal vancouver boston chicago houston dallas austin
denver phoenix atlanta seattle miami orlando charlotte nashville memphis detroit cleveland columbus
philadelphia baltimore portland florence venice naples frankfurt hamburg cologne lyon marseille
chelsea brooklyn manhattan jersey hudson quincy lincoln jackson madison hamilton clinton trenton""".split()

# Top given names that are words too but are far more often a name in chat.
NAME_FIRST = """john james mary david robert michael william richard thomas charles joseph daniel paul
george kevin jason brian gary larry scott eric steven stephen peter anna maria linda susan karen
nancy lisa betty helen sandra donna carol ruth sharon laura sarah kim amy angela melissa""".split()


def fold(text):
    out = []
    for ch in text:
        for piece in unicodedata.normalize("NFKD", ch).lower():
            if unicodedata.category(piece) in ("Mn", "Me", "Cf"):
                continue
            out.append(piece)
    return "".join(out)


def is_alnum(ch):
    if ord(ch) < 0x80:
        return ch.isalnum()
    return ch.isalpha() or unicodedata.category(ch) == "Mc"


def single_token(word):
    """The folded word when it is one token as ScannedText splits text, else None."""
    folded = fold(word.strip())
    if len(folded) < 1 or not all(is_alnum(c) for c in folded) or any(c.isdigit() for c in folded):
        return None
    return folded


def fetch(cache):
    os.makedirs(cache, exist_ok=True)
    wanted = {"names": f"names-{NAMES_VERSION}.tar.gz", "faker": f"faker-{FAKER_VERSION}-py3-none-any.whl"}
    for package, filename in wanted.items():
        if not os.path.exists(os.path.join(cache, filename)):
            version = NAMES_VERSION if package == "names" else FAKER_VERSION
            subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps", "-d", cache, f"{package}=={version}"])
    names_archive = tarfile.open(os.path.join(cache, wanted["names"]))
    faker_dir = os.path.join(cache, "faker-unpacked")
    if not os.path.isdir(faker_dir):
        zipfile.ZipFile(os.path.join(cache, wanted["faker"])).extractall(faker_dir)
    return names_archive, faker_dir


def census(archive, name):
    member = f"names-{NAMES_VERSION}/names/{name}"
    rows = []
    for line in archive.extractfile(member).read().decode("ascii").splitlines():
        parts = line.split()
        if len(parts) == 4:
            rows.append((parts[0], float(parts[1]), int(parts[3])))
    return rows


def faker_lists(faker_dir):
    sys.path.insert(0, faker_dir)
    person = importlib.import_module("faker.providers.person")
    address = importlib.import_module("faker.providers.address")
    given, surnames, places, countries = [], [], [], []
    for module in sorted(m.name for m in pkgutil.iter_modules(person.__path__)):
        provider = importlib.import_module(f"faker.providers.person.{module}").Provider
        for attribute in sorted(dir(provider)):
            value = getattr(provider, attribute)
            if not isinstance(value, (list, tuple, dict, set, frozenset)):
                continue
            if attribute.startswith("first_names"):
                given.extend(sorted(value))
            elif attribute.startswith("last_names"):
                surnames.extend(sorted(value))
    for module in sorted(m.name for m in pkgutil.iter_modules(address.__path__)):
        provider = importlib.import_module(f"faker.providers.address.{module}").Provider
        for attribute in ("cities", "city_names", "real_city_names", "countries", "states", "regions", "provinces", "region_names"):
            value = getattr(provider, attribute, None)
            if isinstance(value, (list, tuple)) and (module != "it_IT" or attribute != "cities"):
                places.extend(v for v in value if isinstance(v, str))
                if attribute in ("countries", "states", "provinces") or module.startswith("en"):
                    countries.extend(v for v in value if isinstance(v, str) and attribute != "cities")
    geo = importlib.import_module("faker.providers.geo.en_US").Provider
    places.extend(row[2] for row in geo.land_coords)
    return given, surnames, places, countries


def lorem_words(faker_dir):
    """Everyday words of the major European languages and lorem-ipsum Latin (Faker's lorem lists)."""
    sys.path.insert(0, faker_dir)
    for locale in ("de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_US", "la"):
        provider = importlib.import_module(f"faker.providers.lorem.{locale}").Provider
        yield from getattr(provider, "word_list", ())


def words_of(phrases):
    for phrase in phrases:
        token = []
        for ch in phrase:
            if is_alnum(ch):
                token.append(ch)
            else:
                if token:
                    yield "".join(token)
                token = []
        if token:
            yield "".join(token)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", default="/tmp/chatvault-names")
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    archive, faker_dir = fetch(args.cache)
    given_faker, surname_faker, place_names, country_names = faker_lists(faker_dir)

    def ranked(entries):
        seen, out = set(), []
        for entry in entries:
            folded = single_token(entry)
            if folded and len(folded) >= 2 and folded not in seen:
                seen.add(folded)
                out.append(folded)
        return out

    first = sorted(census(archive, "dist.male.first") + census(archive, "dist.female.first"), key=lambda r: -r[1])
    given = ranked([r[0] for r in first] + given_faker)
    # CJK given names and surnames may be a single character.
    given += [w for w in ranked_cjk(given_faker) if w not in set(given)]
    last = census(archive, "dist.all.last")[:CENSUS_SURNAMES]
    surnames = ranked([r[0] for r in last] + surname_faker)
    surnames += [w for w in ranked_cjk(surname_faker) if w not in set(surnames)]
    # A place of one word is a place; a word inside a longer place name (`Santa *Maria*`,
    # `New *York*`) only when it is no one's name.
    # A frequent name stays a name alone unless it names a country or a state (`Jordan`,
    # `Georgia`, `Victoria`): a town called `Janice` must not hide every Janice.
    whole = [p for p in place_names if len(list(words_of([p]))) == 1]
    people = set(given) | set(surnames)
    frequent = set(given[:3000]) | set(surnames[:20000])
    major = {single_token(p) for p in country_names + MAJOR_CITIES if single_token(p)}
    whole = [p for p in whole if single_token(p) not in frequent or single_token(p) in major]
    parts = [w for w in words_of(place_names) if fold(w) not in people]
    places = [w for w in ranked(MAJOR_CITIES + whole + parts) if len(w) >= 3]
    top_given = set(given[:300]) | set(NAME_FIRST)
    common = set()
    for line in open(SCOWL, encoding="utf-8"):
        word = line.strip()
        if word and word.islower() and word.isalpha() and "'" not in word:
            common.add(fold(word))
    for word in lorem_words(faker_dir):
        if word.islower() and len(word) >= 3:
            common.add(fold(word))
    common = sorted({w for w in common if w not in top_given and single_token(w) == w} | {fold(w) for w in AMBIGUOUS})

    body = ["#given", *given, "#surname", *surnames, "#place", *places, "#common", *common]
    text = "\n".join(body)
    assert '"#' not in text and "\\" not in text
    with open(args.out, "w", encoding="utf-8") as out:
        out.write("// swift-format-ignore-file\n")
        out.write("// Generated by scripts/names/build_gazetteer.py - do not edit. Sources and licences: Names/NOTICE.md.\n")
        out.write("extension NameGazetteer {\n")
        out.write("    /// Folded words, one a line, under the section headers `#given`, `#surname`, `#place`, `#common`;\n")
        out.write("    /// names in frequency order.\n")
        out.write('    static let data = #"""\n')
        out.write(text)
        out.write('\n"""#\n}\n')
    print(f"given {len(given)}, surnames {len(surnames)}, places {len(places)}, common {len(common)}; "
          f"{os.path.getsize(args.out)} bytes -> {os.path.relpath(args.out)}")


def ranked_cjk(entries):
    """Single-character CJK and Hangul names, which `ranked` leaves out as too short."""
    out, seen = [], set()
    for entry in entries:
        folded = single_token(entry)
        if folded and len(folded) == 1 and is_cjk(folded) and folded not in seen:
            seen.add(folded)
            out.append(folded)
    return out


def is_cjk(text):
    return all(0x3040 <= ord(c) <= 0x30FF or 0x4E00 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7AF for c in text)


if __name__ == "__main__":
    main()
