#!/usr/bin/env python3
"""Build the Dutch passphrase word list (passphrase-words-nl.txt) from OpenTaal's word list.

Usage, from the project root (the default input comes with Debian's `wdutch` package):

    python accounts/data/build_wordlist.py [INPUT] [--output FILE] [--explain]

INPUT defaults to /usr/share/dict/dutch. Standard library only, and deterministic: the
same input always gives the same output. README.md beside this file says why the rules
are what they are. In short:

1. Keep words of 4 to 9 lowercase ASCII letters (no capitals, so no proper names; no
   digits, hyphens, apostrophes or diacritics).
2. Drop blocked words (the lists below) and every inflection of a blocked word.
3. Drop forms that are hard to remember: verb forms, participles, comparatives and
   fragments ("afsla", "lopend", "rijker", "gesco").
4. Keep one form per word: "boeken", "boekje" and "boekt" become "boek", so the list
   never holds two forms of a word that a user could mix up when writing it down.
5. Rank what is left by how common the word looks, and keep the best TARGET_SIZE.

There is no frequency list in the standard library or in the input, so "how common" is
estimated from the word list itself: a word that is the first part of many compounds in
the list and the last part of many others ("water": waterval, zeewater, ...) is an
everyday word; an obscure word or a rare form hardly ever is. Ranking: the smaller of the
two compound counts (highest first), then the larger one, then how many words in the list
start or end with the word, then shorter words first, then alphabetical order.
"""

import argparse
import bisect
import math
import re
import sys
from pathlib import Path

DEFAULT_INPUT = Path("/usr/share/dict/dutch")
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "passphrase-words-nl.txt"

MIN_LEN, MAX_LEN = 4, 9
# 8192 = 2**13 words: exactly 13 bits a word, 91 bits for a 7-word passphrase (>= 90).
TARGET_SIZE = 8192
PASSPHRASE_WORDS = 7

WORD_RE = re.compile(r"[a-z]+")


def _words(*blocks):
    return frozenset(word for block in blocks for word in block.split())


# ---------------------------------------------------------------------------------------
# Blocklist.
#
# The people who get these passphrases are leaving coercive groups and closed, often
# religious, communities. A passphrase is handed to them at a fragile moment, they have
# to write it down, keep it and type it again, and someone from the group may see it.
# So besides the usual offensive words (swearing, sexual, violent, drug, disease words
# and insults) we keep out:
#   * religious and spiritual vocabulary: it can echo the group's language, read as a
#     message or a judgement ("zonde", "gebed", "afvallig"), and a passphrase that looks
#     religious (or irreligious) may draw attention from the group;
#   * words about abuse, control, punishment and death: many of these people lived with
#     exactly that, and nobody should have to type "straf" or "gehoorzaam" to log in.
# Losing a few innocent words along the way costs nothing: plenty of words are left.
#
# Four kinds of rule, so that short stems do not wipe out innocent words:
#   BLOCK_WORDS       whole words. Also blocks the inflections of the word (plural,
#                     diminutive, verb forms: "kerk" blocks "kerken" and "kerkje").
#   BLOCK_PREFIXES    words that start with the stem ("kerk" -> "kerkhof", "kerkdienst").
#                     Used where the stem also occurs inside innocent words ("tempel" is
#                     in "stempel", "zonde" in "zonder").
#   BLOCK_SUBSTRINGS  the stem anywhere in the word. Only stems of 5 or more letters
#                     (checked below), and only ones checked for innocent hits.
#   ALLOW             innocent words that a rule above would otherwise catch.
# Run with --explain to see which rule removed which word.
# ---------------------------------------------------------------------------------------

# Religious and spiritual words: faiths, clergy, rites, sin and salvation, the occult.
_RELIGIOUS_WORDS = """
    abdij adam advent afvallig afvallige altaar amen anima apostel aura avondmaal bede
    begijn bekeer bekeerling bekeren bekering berouw beziel bezwering bid bidden bidder
    boeddha boeter broeder broeders caritas chakra cult cultus demon demonisch diaken
    discipel doem dogma dominee dopen doper eerbied eerbiedig eerwaard erbarm fanaat gebod
    geboden geest geestelijk geesten gelofte gemeente genade genadig getuige getuigen geus
    geuzen gewijd god goden godheid godin goeroe graal halal heer heiden heidens heil
    heiland heks heksen hel hels helse hiernamaals hostie huichel hymne idool imam jezus
    joden jodin jood joods judas kaartleg kansel kapel kapelaan kapittel karma koosjer koran
    koster kuis kuisheid kwaad kwezel lucifer maagd magie magisch mantra messias mirakel
    mirre mis missie monnik moskee nederig nirvana non nonnen novice onheil opziener orakel
    ouderling ouwel paap pagode paradijs pastoor pater preken preker psalter rabbi rabbijn
    ramadan reiki rein reinheid reliek ritueel rituelen ritus roeping sabbat sacra sant
    sharia sikh sint sjoel sluier spook synode tarot toorn totem traktaat trance tulband
    vampier vasten vereer verering vergeving verzoen vesper vigilie visioen waarheid zede
    zeden zedig ziener zuster zusters
"""
_RELIGIOUS_PREFIXES = """
    afgod agnost apocalyps bijbel doop duivel engel evangel godd gods godv hemel kerk kerst
    kruis offer openbaring paas pastor paus pinkster preek psalm spiritu tempel tover zalig
    ziel zonde
"""
_RELIGIOUS_SUBSTRINGS = """
    aanbid allah angelus astrolo baptist bedevaart betover biecht bisschop calvarie calvin
    catech christ communie convent diacon doctrine eeuwig eindtijd fanati gebed gedoopt
    geloof gelovig gereformeerd gezalfd gnosti halleluja heilig heremiet hervormd hindoe
    hoofddoek horoscoop islam jehova jihad kapucijn kardinaal kartuizer katholiek ketter
    klooster liturg luther medita menist mormo moslim occult ontferm opoffer opstanding
    oratori orthodox parochie patriarch pelgrim predik prelaat priester processie profeet
    profet protestant religi retraite satan schepper schepping schepsel sekte seminarie
    testament theolo vagevuur verdoem verleid verlos verrijzen visitatie vloek voorbid
    waarzeg wedergeb wichel wierook wijding wijwater zegen zinnelijk zodiak zondaar zondig
"""

# Abuse, control, punishment, violence and death.
_CONTROL_WORDS = """
    afpersing agressie arrest bajes balling bedrieger beul bevel bevelen boei boete boetes
    bom controle dader delict detentie dictator dienaar dode dodelijk doden dolk dumdum
    dynamiet eerbaar faalangst geboeid gewond gezag gifgas graf graven hoofdpijn horig
    horigheid kadaver kaper kaping kapo knecht knekel kooi kwetsuur leed letsel leugen lijd
    lijden lijder lijk lijken litteken maffia militant minacht onderdaan onderdanig oneer
    onteer ontering oordeel pleger repressie roede rover schavot schedel schennis skelet
    slaag slaan slaand slaat slaven slavin sloeg stierf stik stiletto strop tombe torpedo
    treiter verban verbannen verhoor verwond vonnis vrees weduwe weeshuis wond wonden wraak
    wreed wreedheid zwaard zweer
"""
_CONTROL_PREFIXES = """
    angst dood grafk grafm grafr grafs graft grafz kwel lijkb lijkk lijkw pijn rouw schaam
    schend tiran worg wurg
"""
_CONTROL_SUBSTRINGS = """
    aanrand aanslag afgrijs afgrijz autopsie bajonet beangst begraaf begrafenis begraven
    beroof beroving beschaam beschimp bloed bombard chantage crematie dictatuur doder doding
    dreig dwang dwing executeer executie explosie folter gangster gedood gehoorza genocide
    gestorven gevang geweer geweld gewurg gijzel granaat griezel gruwel guerrilla
    hersenspoel holocaust indoctrin initiatie inwijd kamikaze kanonneer kastijd kidnap kogel
    landmijn lynch manipul martel matriarch misbruik misdaad misdadig misdrijf mishandel
    moord munitie napalm onderdruk onderwerping ontman ontvoer oorlog opgesloten ophang
    opsluit overleden overlijd overval pistool plunder revanche revolver roverij sanctie
    schande schiet schuld slaaf slacht slavern sneuvel stenig sterf straf suicid terreur
    terror torment trauma tucht uitbuit uitgesloten uitroei uitsluit uitvaart vecht veracht
    verdelg verderf verdrink vergift verkracht vermink vermorzel verneder verraad verrade
    verscheid verstik verstoot verstoten wapen zweep
"""

# Swearing, insults and slurs, sexual and bodily words, drugs and diseases.
_OFFENSIVE_WORDS = """
    abces acne afkick aids anaal antrax anus astma autisme balzak barbaar bastaard basterd
    beha behaatje bevalling bevlek bil billen bloot bochel borst borsten coke cokes crack
    cyste dealer diabetes diarree dik dikke dom domme dong drol dwaas dwerg ebola eczeem
    embolie erectie eros etter etters fallus fetisj fistel fuck gek gekke gekte gender
    gezwel harem hasj hernia heroine herpes hetero high homo idioot indiaan indianen joint
    junk junkie kaffer kak klere klojo kolere kont kreng kreupel lafaard lamzak lazer lelijk
    lingerie lover luilak lummel lust madam mafkees mager maniak mank meesteres miltvuur
    minnaar minnares molest mollig mormel mulat naakt nicht nippel onbenul onnozel onpersoon
    overspel papen pedo pest pesten pies pietlut pik pikken pikker pleuris pokken puist
    pummel rassen reet reten roes rotzak rukker sado schim schimp schoft schunnig schurft
    sext shit slet sloerie snot speed stom stomme sukkel tampon teef tepel tering tiet
    tieten trut tuberkel tumor turken vamp verziek vlegel vreter wiet wijf zot zwanger
"""
_OFFENSIVE_PREFIXES = """
    blow drug erot fascist geil hoer homof homos idiot jappen kloot klote kots kut lesb lul
    moffen narco neuk piemel pis poep pooier porno racis seks sexy urine zeik ziek zuip
"""
_OFFENSIVE_SUBSTRINGS = """
    abortus achterlijk alcohol alzheimer amputa begeer bevredig bevrucht bezoedel bordeel
    cannabis carcinoom castra cholera clitoris cocaine condoom debiel dement depressie dronk
    drugs eikel epidemie epilepsie extremist flikker gestoord hemofilie hepatitis hufter
    hysteri imbeciel incest infectie influenza kanker koepok lepra leukemie malaria
    marihuana masturb mazelen metastase methadon mongo morfine neger neurose opium orgasme
    pandemie pedofi penis prostaat prostitu psychose schijt smeerlap spast sperma stront
    syfilis tetanus trombose tyfus uterus vagina verdom verslav verwijf wellust ziekte
    zigeuner zuipen
"""

# Irregular verb forms, word fragments and obscure entries that the rules in
# awkward_reason() cannot recognise (found by reading the output).
AWKWARD = _words(
    """
    aagt afbet afhel afrui afwen afzei afzond aker albe alen alia allo alver arde aren assem
    aten avers bama banga bedam bedoe beier belen berd berin bering berst bewuster bezon
    bink blei bloes boem bracht bras bren brod brus chet chole chris cier claus coco conti
    cour crea deed delf deli desa dien djati dobbe doch docu does doet donk dook dram dreg
    drein drieg driester drost duist echel eenre eerde eert eest eken eker elect ende enen
    ener enne epen eppe eren erving ette ever fata flab flor flos foezel fond frik frit gaap
    gaard geco gedegener gegaan gehad gehang gekomen gelde gelig gelijker geling genomen
    gerichter gerot gesco gestaan gever gezien ging glui gluip goog gord gors grein gres
    grien gries grit grut haam hamel hans harent hartiger heeft heem heli heng hield hielp
    hing hunnent iaat indam inde indek indom inging inwon isme izabel jakker joeg joel kaar
    kaard kassie kazer kemp kerm kijf klak klis knaak knar knoert knut kodde koes koet kond
    krach krak krauw kreeg krek kromp kroop kwam kwant kwassie laar labber lala lebber lias
    liep liet loens loosheid lozer luur lymf malve mani mara marl marron mata mede meed
    merkel meur mimi mina modi moge moor mora naak nabi nada nadar naja necro neder neep
    neming nijg noen noes obia ogelijk olijk omsta ongel oppor oprot ordi ouds paan pathisch
    peda pede perkoen persona pica pico pina pinang pingel ploot poli polk pres priori prol
    psych raag raai raas rans rata reco reef retor ried riep rijf rild rink roro sakker sang
    sappel schab schal schar scheg scheuk schob schonk schoof schro schrok schul schuwer
    seider seis sema sief signa significa sijs sine sist situ sjap sjor slab slem slemp
    slicht sliep smis sneb sneed snep sneukel snib spina spoot sprak stak stee steg sten
    stond stulp style suri taan tarok teem teerder teling terig terne tichel tieriger
    tijdiger tijk tink tjok toef toot touwer trac treef treek trof trok tuut universa vaster
    vedel veem verba verborg verbrui verkrui vermag versa verteerd verteld verwon viel ving
    vloog vond vroon vroor werd wichtiger wierp winput zabbel zabber zemel zever zied
    ziederij zifter zifterij zinniger zins zond zoog zuchtiger zwalp zwik zwin zwing zwingel
    """
)

ALLOW = _words(
    """
    arend bekend hele hoera kwelder missen mist misten negeer negeren negerend offerte pauze
    pisang pistache piste piston rendement roest zonder
    """
)


BLOCK_WORDS = _words(_RELIGIOUS_WORDS, _CONTROL_WORDS, _OFFENSIVE_WORDS)
BLOCK_PREFIXES = tuple(sorted(_words(_RELIGIOUS_PREFIXES, _CONTROL_PREFIXES, _OFFENSIVE_PREFIXES)))
BLOCK_SUBSTRINGS = tuple(
    sorted(_words(_RELIGIOUS_SUBSTRINGS, _CONTROL_SUBSTRINGS, _OFFENSIVE_SUBSTRINGS))
)
assert all(len(stem) >= 5 for stem in BLOCK_SUBSTRINGS), "substring stems need 5+ letters"

# ---------------------------------------------------------------------------------------
# Inflections. Deliberately simple; it only has to be right often enough.
# ---------------------------------------------------------------------------------------

# Endings of plurals, diminutives, verb forms and inflected adjectives, longest first.
# Comparatives (-er, -st) are left out: they would make "water" a form of "wat".
INFLECTION_ENDINGS = (
    "etjes",
    "etje",
    "tjes",
    "pjes",
    "tje",
    "pje",
    "jes",
    "den",
    "ten",
    "je",
    "de",
    "te",
    "en",
    "s",
    "e",
    "n",
    "t",
)
VOWELS = "aeiou"

# Particles and prefixes that make verbs, not compounds ("uit" + "weidt").
PARTICLES = _words(
    """
    aan achter af be bij binnen buiten dicht door er ge goed her in los mee mis na neer om
    onder ont op open over rond samen te ten ter tegen terug thuis toe uit vast ver voor
    vrij weg
    """
)


def _stem_variants(stem):
    """The stem and its spelling variants: katt -> kat, duiv -> duif, bom -> boom."""
    variants = {stem}
    if len(stem) >= 2 and stem[-1] == stem[-2] and stem[-1] not in VOWELS:
        variants.add(stem[:-1])
    if stem.endswith("v"):
        variants.add(stem[:-1] + "f")
    if stem.endswith("z"):
        variants.add(stem[:-1] + "s")
    for variant in list(variants):
        if (
            len(variant) >= 3
            and variant[-1] not in VOWELS
            and variant[-2] in VOWELS
            and variant[-3] not in VOWELS
        ):
            variants.add(variant[:-2] + variant[-2] + variant[-2:])
    return variants


def bases(word, lexicon):
    """Words in the lexicon that `word` looks like an inflection of (not `word` itself)."""
    stems = [word[: -len(ending)] for ending in INFLECTION_ENDINGS if word.endswith(ending)]
    if word.startswith("ge") and len(word) > 5:  # past participle: gewerkt, gemaakt
        core = word[2:]
        stems += [core[: -len(e)] for e in ("en", "de", "te", "d", "t") if core.endswith(e)]
    found = set()
    for stem in stems:
        if len(stem) >= 3:
            found |= {v for v in _stem_variants(stem) if v in lexicon and v != word}
    return found


def awkward_reason(word, lexicon):
    """Why `word` is a form that is awkward to remember or write down, or None.

    Verb forms and comparatives are kept out unless they are a common word of their own:
    a passphrase word should be the form you would look up in a dictionary.
    """
    if word in ALLOW:
        return None
    if word in AWKWARD:
        return "awkward form"
    if word.startswith("ge") and any(word + end in lexicon for end in ("d", "t", "de", "te")):
        return "cut-off participle"  # geplan (gepland), gevorm (gevormd)
    if (
        word[-1] in VOWELS
        and (word + "t" in lexicon or word + "at" in lexicon)
        and (word + "n" in lexicon or word + "an" in lexicon)
    ):
        return "verb stem"  # afsla (afslaan, afslaat), bedoe (bedoen, bedoet)
    if word.endswith("end") and word[:-3] + "en" in lexicon:
        return "present participle"  # makend, lopend
    for ending, partner in (("er", "st"), ("ere", "st"), ("st", "er"), ("ste", "er")):
        stem = word[: -len(ending)]
        if (
            word.endswith(ending)
            and len(stem) >= 3
            and any(v in lexicon and v + partner in lexicon for v in _stem_variants(stem))
        ):
            return "comparative or superlative"  # rijker, rijkst
    return None


def block_reason(word, lexicon):
    """Why `word` is blocked, or None."""
    if word in ALLOW:
        return None
    if word in BLOCK_WORDS:
        return f"word {word!r}"
    for base in bases(word, lexicon):
        if base in BLOCK_WORDS and base not in ALLOW:
            return f"inflection of {base!r}"
    for prefix in BLOCK_PREFIXES:
        if word.startswith(prefix):
            return f"prefix {prefix!r}"
    for stem in BLOCK_SUBSTRINGS:
        if stem in word:
            return f"substring {stem!r}"
    return None


def _extensions(sorted_words, prefix):
    """All words in the sorted list that start with `prefix`."""
    i = bisect.bisect_left(sorted_words, prefix)
    while i < len(sorted_words) and sorted_words[i].startswith(prefix):
        yield sorted_words[i]
        i += 1


def compound_counts(word, lexicon, forward, backward):
    """How many words in the lexicon are `word` + another word, and another word + `word`.

    Only words that are not themselves an inflection count ("boeken" + "kast" counts for
    "boekenkast"; "aandik" + "ken" does not, as "aandikken" is a form of "aandik"). The
    other part must be a word of 3+ letters, and the split must be the only sensible
    one: "gokt" + "ent" does not count, because "goktent" is "gok" + "tent". For `word`
    as the last part, the first part may not be a particle or prefix (uit-, ver-, ...).
    """
    first = 0
    for longer in _extensions(forward, word):
        tail = longer[len(word) :]
        if (
            len(tail) >= 3
            and tail in lexicon
            and not _other_split(longer, len(word), lexicon)
            and word not in bases(longer, lexicon)
        ):
            first += 1
    last = 0
    for reversed_longer in _extensions(backward, word[::-1]):
        longer = reversed_longer[::-1]
        head = longer[: -len(word)]
        if (
            len(head) >= 3
            and head in lexicon
            and head not in PARTICLES
            and not _other_split(longer, len(head), lexicon)
            and not bases(longer, lexicon)
        ):
            last += 1
    return first, last


def _other_split(compound, at, lexicon):
    """Whether `compound` also splits into two words (3+ letters) elsewhere than `at`."""
    return any(
        i != at and compound[:i] in lexicon and compound[i:] in lexicon
        for i in range(3, len(compound) - 2)
    )


def build(lines):
    """The word list (sorted) and a dict word -> why it was dropped, for --explain."""
    lexicon = {line.strip() for line in lines}
    lexicon = {word for word in lexicon if WORD_RE.fullmatch(word)}
    candidates = sorted(w for w in lexicon if MIN_LEN <= len(w) <= MAX_LEN)

    dropped = {}
    allowed = set()
    for word in candidates:
        reason = block_reason(word, lexicon) or awkward_reason(word, lexicon)
        if reason:
            dropped[word] = reason
        else:
            allowed.add(word)

    forward = sorted(lexicon)
    backward = sorted(word[::-1] for word in lexicon)
    scores = {}
    for word in sorted(allowed):
        first, last = compound_counts(word, lexicon, forward, backward)
        spread = sum(1 for _ in _extensions(forward, word)) + sum(
            1 for _ in _extensions(backward, word[::-1])
        )
        scores[word] = (min(first, last), first, last, spread)

    def rank_key(word):
        best, first, last, spread = scores[word]
        return (-best, -max(first, last), -spread, len(word), word)

    ranked = sorted(allowed, key=rank_key)

    # One form per word: walk the ranking, replace a form by its base if that is a
    # common-looking word itself ("boeken" -> "boek"), skip forms of a word that is
    # already in, and skip forms and participles that are not common-looking themselves
    # ("dateerde", "gekregen": a user would misremember them as "dateren", "krijgen").
    chosen = []
    chosen_set = set()
    covered = set()  # bases of chosen words
    for word in ranked:
        if len(chosen) == TARGET_SIZE:
            dropped[word] = "below the cut-off"
            continue
        word_bases = bases(word, lexicon)
        good_bases = [b for b in word_bases if b in allowed and scores[b][0] > 0]
        pick = min(good_bases, key=rank_key) if good_bases else word
        if pick == word and scores[word][0] == 0:
            if word_bases:
                dropped[word] = "uncommon inflected form"
                continue
            if word.startswith("ge") and word.endswith(("en", "d", "t")):
                dropped[word] = "uncommon participle"
                continue
        pick_bases = bases(pick, lexicon)
        if (
            word in chosen_set
            or word in covered
            or pick in chosen_set
            or pick in covered
            or word_bases & chosen_set
            or pick_bases & chosen_set
        ):
            dropped.setdefault(word, "another form of a chosen word")
            continue
        chosen.append(pick)
        chosen_set.add(pick)
        covered |= pick_bases | word_bases | {word}
    for word in chosen:
        dropped.pop(word, None)
    return sorted(chosen), dropped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", nargs="?", type=Path, default=DEFAULT_INPUT)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--explain", action="store_true", help="print each dropped word and the reason"
    )
    args = parser.parse_args(argv)

    with args.input.open(encoding="utf-8") as handle:
        words, dropped = build(handle)

    if args.explain:
        for word, reason in sorted(dropped.items()):
            if reason not in ("below the cut-off", "another form of a chosen word"):
                print(f"{word}\t{reason}")

    if len(words) < TARGET_SIZE:
        sys.exit(f"only {len(words)} words, fewer than {TARGET_SIZE}: check the input")
    args.output.write_text("".join(f"{word}\n" for word in words), encoding="ascii")
    bits = PASSPHRASE_WORDS * math.log2(len(words))
    print(f"{len(words)} words written to {args.output}")
    print(f"{PASSPHRASE_WORDS} words from this list: {bits:.2f} bits")


if __name__ == "__main__":
    main()
