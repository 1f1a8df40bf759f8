"""Generate a benchmark corpus of realistic French tech feeds (issue 7).

    python bench/corpus.py OUT --feeds 200 --items 50 --base-url http://127.0.0.1:8765/

writes into OUT:
  feed-000.xml, feed-001.atom, …   RSS 2.0 and Atom feeds (about one in three is Atom)
  feeds.toml                        a tui-reader config with one [[feeds]] entry per file
  urls                              the same feeds as a newsboat `urls` file

The output depends only on the arguments: the same seed gives byte-identical files, so runs on
different days and machines compare like with like. Sizes follow what real French tech sites
publish: most feeds carry full HTML bodies (paragraphs, subheadings, links, figures, lists,
quotes, the odd embed), some only a short summary; a 50-item feed averages about 450 KB.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

# Newest item date of the corpus: fixed, so a regenerated corpus is byte-identical.
CORPUS_NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TAGS = ("tech", "fr", "mobile", "science", "securite", "jeux", "ia")

# Mean full-content body per item, in characters, is spread per feed over this range; with the
# summary-only feeds below this gives ≈ 450 KB per 50-item feed on average.
BODY_CHARS = (2_600, 14_900)
SUMMARY_ONLY_SLOTS = frozenset({3, 10, 17})  # feed index mod 20: 15 % of feeds

_VOCABULARY = """
application applications appareil appareils accès actualité administrateur algorithme
alimentation analyse annonce antenne appel architecture archive assistant attaque audience
authentification autonomie avenir batterie bêta bibliothèque bilan blocage boîtier bouton
budget bug calcul caméra capteur carte cartographie centre chercheur chercheurs chiffrement
chiffre client clients cloud code commande communauté comparatif composant compte concurrence
configuration connexion console constructeur contenu contrat correctif coût créateur
cybersécurité débit déploiement développeur développeurs diffusion disque document données
données écran éditeur efficacité électricité énergie enquête entreprise entreprises équipe
erreur essai étude européen évolution expérience exploitation extension faille fichier
fibre filtre fonction fonctionnalité format fournisseur fréquence fusée gamme gouvernement
graphique hébergeur historique horloge identifiant image impression incident industrie
infrastructure ingénieur innovation installation intelligence interface internet jeu joueur
joueurs lancement langage législation licence logiciel lumière machine marché matériel
mémoire mesure message méthode microprocesseur mise mission mobile modèle module moteur
navigateur niveau norme notification numérique objectif opérateur ordinateur outil
outils panne paramètre partenaire performance période photo plateforme politique port
portable prix processeur production profil programme projet protection protocole prototype
puce puissance rapport réseau réseaux recherche recharge réglage régulateur rendu résultat
robot satellite sauvegarde scientifique secteur sécurité serveur service services session
signal site smartphone société solution son sonde source spécialiste stockage stratégie
studio succès système tablette technologie téléphone téléscope température terminal test
trafic traitement transfert transition utilisateur utilisateurs utilisation valeur version
vidéo virtualisation vitesse vulnérabilité web
le la les un une des du de d’ l’ au aux ce cette ces son sa ses leur leurs notre votre
et ou mais donc car ni puis ainsi aussi encore déjà toujours jamais souvent parfois enfin
dans sur sous avec sans pour par entre vers chez depuis pendant avant après selon malgré
est sont a ont fait font peut peuvent doit doivent semble permet propose annonce confirme
présente dévoile lance prépare teste publie explique rappelle précise estime affirme révèle
corrige améliore remplace supprime ajoute réduit augmente accélère protège bloque détecte
nouveau nouvelle nouveaux nouvelles premier première dernier dernière grand grande petit
petite rapide lent simple complexe gratuit payant ouvert libre local mondial français
française européenne américain chinois japonais sécurisé chiffré disponible compatible
important majeur mineur récent ancien efficace fiable puissant léger discret inédit
plusieurs certains quelques nombreux chaque tous toutes autre autres même seul seule
très plus moins assez trop bien mieux vraiment surtout notamment également désormais
aujourd’hui hier demain semaine mois année trimestre 2026 2027 millions milliards euros
% mégabits kilomètres heures minutes secondes
"""
WORDS = _VOCABULARY.split()

_PROPER_NOUNS = """
Android iOS Linux Windows macOS Google Apple Samsung Xiaomi Microsoft Meta Amazon Orange
Free SFR Bouygues OVHcloud Scaleway Mistral OpenAI Nvidia Qualcomm AMD Intel ARM Ubuntu
Debian Firefox Chrome Signal WhatsApp TikTok YouTube Twitch Steam Nintendo PlayStation Xbox
Ubisoft Arianespace CNES ESA NASA CNIL ANSSI Arcep Bruxelles Paris Lyon Toulouse Bordeaux
"""
PROPER_NOUNS = _PROPER_NOUNS.split()

SITES = (
    ("Numerama", "numerama.com"),
    ("Frandroid", "frandroid.com"),
    ("Korben", "korben.info"),
    ("Next", "next.ink"),
    ("Journal du Geek", "journaldugeek.com"),
    ("01net", "01net.com"),
    ("Les Numériques", "lesnumeriques.com"),
    ("Siècle Digital", "siecledigital.fr"),
    ("Clubic", "clubic.com"),
    ("Presse-citron", "presse-citron.net"),
    ("Le Monde Informatique", "lemondeinformatique.fr"),
    ("ZDNet France", "zdnet.fr"),
    ("Gamekult", "gamekult.com"),
    ("Futura", "futura-sciences.com"),
    ("Sciences et Avenir", "sciencesetavenir.fr"),
    ("Linuxfr", "linuxfr.org"),
)
SECTIONS = (
    ("Actualités", ("tech", "fr")),
    ("Mobiles", ("tech", "fr", "mobile")),
    ("Sécurité", ("tech", "fr", "securite")),
    ("Intelligence artificielle", ("tech", "fr", "ia")),
    ("Sciences", ("fr", "science")),
    ("Espace", ("fr", "science")),
    ("Jeux vidéo", ("fr", "jeux")),
    ("Logiciels libres", ("tech", "fr")),
    ("Bons plans", ("tech", "fr", "mobile")),
)
CATEGORIES = (
    "Tech", "Mobiles", "Android", "Apple", "Sécurité", "Cybersécurité", "IA", "Sciences",
    "Espace", "Jeux vidéo", "Logiciels", "Open source", "Télécoms", "Énergie", "Vie privée",
    "Europe", "Tests", "Bons plans", "Matériel", "Cloud", "Web", "Réseaux sociaux",
)  # fmt: skip
AUTHORS = (
    "Camille Roux", "Hugo Bernard", "Léa Moreau", "Thomas Garnier", "Nina Lefèvre",
    "Maxime Perrin", "Sarah Benali", "Julie Marchand", "Martin Leclerc", "Claire Vasseur",
    "Antoine Morel", "Paul Renard", "Inès Dubois", "Yanis Girard", "Chloé Fontaine",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CorpusFeed:
    """One generated feed: where it lives and how it is announced in the configs."""

    name: str
    filename: str
    tags: tuple[str, ...]
    size: int


@dataclass(frozen=True, slots=True)
class _Item:
    title: str
    link: str
    guid: str
    author: str
    date: datetime
    categories: list[str]
    summary: str
    body: str


class _Writer:
    """Random French-looking text and HTML from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def words(self, n: int) -> list[str]:
        picked = self.rng.choices(WORDS, k=n)
        # A few proper nouns make titles and bodies look like news, not lorem ipsum.
        for _ in range(max(1, n // 12)):
            picked[self.rng.randrange(n)] = self.rng.choice(PROPER_NOUNS)
        return picked

    def sentence(self, lo: int = 9, hi: int = 26) -> str:
        words = self.words(self.rng.randint(lo, hi))
        if len(words) > 10 and self.rng.random() < 0.5:
            words[self.rng.randint(4, len(words) - 4)] += ","
        text = " ".join(words).replace("’ ", "’")
        return text[0].upper() + text[1:] + self.rng.choice(".....?!")

    def title(self) -> str:
        words = " ".join(self.words(self.rng.randint(6, 13))).replace("’ ", "’")
        head, _, tail = words.partition(" ")
        title = f"{head.capitalize()} {tail}"
        r = self.rng.random()
        if r < 0.2:
            parts = title.split(" ")
            cut = self.rng.randint(2, min(4, len(parts) - 2))
            title = " ".join(parts[:cut]) + " : " + " ".join(parts[cut:])
        elif r < 0.25:
            title = f"[Test] {title}"
        elif r < 0.28:
            title = title.replace(" et ", " & ", 1)
        return title

    def paragraph(self, link_to: str) -> str:
        sentences = [self.sentence() for _ in range(self.rng.randint(2, 6))]
        if self.rng.random() < 0.35:
            i = self.rng.randrange(len(sentences))
            anchor = " ".join(self.words(self.rng.randint(2, 5)))
            sentences[i] = sentences[i][:-1] + f' (<a href="{link_to}">{anchor}</a>).'
        if self.rng.random() < 0.2:
            i = self.rng.randrange(len(sentences))
            sentences[i] = f"<strong>{sentences[i]}</strong>"
        return "<p>" + " ".join(sentences) + "</p>"

    def block(self, domain: str, year_month: str) -> str:
        r = self.rng.random()
        slug = "-".join(self.words(4)).replace("’", "")
        link = f"https://www.{domain}/{slug}.html"
        if r < 0.62:
            return self.paragraph(link)
        if r < 0.72:
            return "<h2>" + self.sentence(4, 9)[:-1] + "</h2>"
        if r < 0.82:
            n = self.rng.randint(8000, 999_999)
            img = f"https://www.{domain}/wp-content/uploads/{year_month}/{slug}-{n}.jpg"
            srcset = ", ".join(
                f"https://www.{domain}/wp-content/uploads/{year_month}/{slug}-{n}-{w}x{w * 9 // 16}"
                f".jpg {w}w"
                for w in (300, 768, 1024)
            )
            return (
                '<figure class="wp-block-image size-large"><img loading="lazy" decoding="async" '
                f'width="1024" height="576" src="{img}" alt="{" ".join(self.words(5))}" '
                f'srcset="{srcset}" sizes="(max-width: 1024px) 100vw, 1024px" />'
                f"<figcaption>{self.sentence(5, 10)} Crédits : {self.rng.choice(PROPER_NOUNS)}"
                "</figcaption></figure>"
            )
        if r < 0.92:
            tag = self.rng.choice(("ul", "ol"))
            items = "".join(
                f"<li>{self.sentence(4, 14)[:-1]} ;</li>" for _ in range(self.rng.randint(3, 7))
            )
            return f"<{tag}>{items}</{tag}>"
        if r < 0.97:
            return f"<blockquote><p>« {self.sentence()} »</p></blockquote>"
        video = "".join(self.rng.choices(string.ascii_letters + string.digits + "_-", k=11))
        return (
            '<figure class="wp-block-embed is-type-video"><iframe width="640" height="360" '
            f'src="https://www.youtube.com/embed/{video}" frameborder="0" allowfullscreen>'
            "</iframe></figure>"
        )

    def body(self, target_chars: int, domain: str, year_month: str) -> str:
        blocks = [self.paragraph(f"https://www.{domain}/")]
        size = len(blocks[0])
        while size < target_chars:
            blocks.append(self.block(domain, year_month))
            size += len(blocks[-1]) + 1
        return "\n".join(blocks)


def _cdata(html: str) -> str:
    return "<![CDATA[" + html.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _items(
    w: _Writer, n: int, domain: str, section: str, full: bool, mean_body: int
) -> Iterator[_Item]:
    """Yield item fields, newest first, spread over the weeks before CORPUS_NOW."""
    rng = w.rng
    when = CORPUS_NOW - timedelta(minutes=rng.randint(0, 600))
    base_id = rng.randint(100_000, 900_000)
    for i in range(n):
        title = w.title()
        slug = "-".join(title.lower().replace("’", "-").split()[:8])
        slug = unicodedata.normalize("NFKD", slug).encode("ascii", "ignore").decode()
        slug = "".join(ch for ch in slug if ch.isalnum() or ch == "-")
        link = f"https://www.{domain}/{section.lower().split()[0]}/{base_id + i}-{slug}.html"
        summary = " ".join(w.sentence() for _ in range(rng.randint(1, 3)))
        body = (
            w.body(int(mean_body * rng.uniform(0.5, 1.5)), domain, when.strftime("%Y/%m"))
            if full
            else ""
        )
        yield _Item(
            title=title,
            link=link,
            guid=f"https://www.{domain}/?p={base_id + i}",
            author=rng.choice(AUTHORS),
            date=when,
            categories=rng.sample(CATEGORIES, rng.randint(1, 4)),
            summary=summary,
            body=body,
        )
        when -= timedelta(minutes=rng.randint(20, 900))


def _rss(name: str, url: str, domain: str, items: list[_Item], full: bool) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">\n<channel>\n'
        f"\t<title>{escape(name)}</title>\n"
        f'\t<atom:link href="{escape(url)}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>https://www.{domain}/</link>\n"
        f"\t<description>{escape(name)} : l’actualité high-tech en continu</description>\n"
        f"\t<lastBuildDate>{format_datetime(items[0].date)}</lastBuildDate>\n"
        "\t<language>fr-FR</language>\n\t<sy:updatePeriod>hourly</sy:updatePeriod>\n"
        "\t<generator>https://wordpress.org/?v=6.8</generator>\n"
    ]
    for it in items:
        cats = "".join(f"\t\t<category>{_cdata(c)}</category>\n" for c in it.categories)
        if full:
            desc = f"{it.summary} [&#8230;]"
            content = f"\t\t<content:encoded>{_cdata(it.body)}</content:encoded>\n"
        else:
            desc = (
                f'<p>{it.summary} [&#8230;]</p>\n<p>L’article <a href="{it.link}">'
                f"{escape(it.title)}</a> est apparu en premier sur {escape(name)}.</p>"
            )
            content = ""
        parts.append(
            "\t<item>\n"
            f"\t\t<title>{escape(it.title)}</title>\n"
            f"\t\t<link>{it.link}</link>\n"
            f"\t\t<dc:creator>{_cdata(it.author)}</dc:creator>\n"
            f"\t\t<pubDate>{format_datetime(it.date)}</pubDate>\n"
            f"{cats}"
            f'\t\t<guid isPermaLink="false">{it.guid}</guid>\n'
            f"\t\t<description>{_cdata(desc)}</description>\n"
            f"{content}"
            "\t</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    return "".join(parts)


def _atom(name: str, url: str, domain: str, items: list[_Item], full: bool) -> str:
    updated = items[0].date.isoformat()
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">\n'
        f"  <title>{escape(name)}</title>\n"
        f"  <subtitle>{escape(name)} : l’actualité high-tech en continu</subtitle>\n"
        f'  <link rel="self" href="{escape(url)}" />\n'
        f'  <link rel="alternate" type="text/html" href="https://www.{domain}/" />\n'
        f"  <id>{escape(url)}</id>\n  <updated>{updated}</updated>\n"
    ]
    for it in items:
        iso = it.date.isoformat()
        cats = "".join(f'    <category term="{escape(c)}" />\n' for c in it.categories)
        content = f'    <content type="html">{escape(it.body)}</content>\n' if full else ""
        parts.append(
            "  <entry>\n"
            f"    <title>{escape(it.title)}</title>\n"
            f'    <link rel="alternate" type="text/html" href="{it.link}" />\n'
            f"    <id>{it.guid}</id>\n"
            f"    <published>{iso}</published>\n    <updated>{iso}</updated>\n"
            f"    <author><name>{escape(it.author)}</name></author>\n"
            f"{cats}"
            f'    <summary type="text">{escape(it.summary)}</summary>\n'
            f"{content}"
            "  </entry>\n"
        )
    parts.append("</feed>\n")
    return "".join(parts)


def _toml_str(s: str) -> str:
    # A JSON string without ASCII escaping is a valid TOML basic string.
    return json.dumps(s, ensure_ascii=False)


def generate(
    out_dir: Path,
    n_feeds: int = 200,
    items: int = 50,
    seed: int = 0,
    base_url: str = "http://127.0.0.1:8765/",
) -> list[CorpusFeed]:
    """Write `n_feeds` feeds of `items` items plus `feeds.toml` and `urls` into `out_dir`."""
    if not base_url.endswith("/"):
        base_url += "/"
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    writer = _Writer(rng)
    feeds: list[CorpusFeed] = []
    for i in range(n_feeds):
        site, domain = SITES[i % len(SITES)]
        section, tags = SECTIONS[rng.randrange(len(SECTIONS))]
        name = f"{site} · {section} {i:03d}"
        # Format, summary-only and body size are spread evenly rather than drawn, so the
        # corpus size barely moves with the seed.
        atom = i % 3 == 1
        filename = f"feed-{i:03d}.{'atom' if atom else 'xml'}"
        full = i % 20 not in SUMMARY_ONLY_SLOTS
        lo, hi = BODY_CHARS
        mean_body = int(lo + (hi - lo) * ((i * 0.6180339887) % 1.0))
        entries = list(_items(writer, items, domain, section, full, mean_body))
        url = base_url + filename
        text = (_atom if atom else _rss)(name, url, domain, entries, full)
        data = text.encode("utf-8")
        (out_dir / filename).write_bytes(data)
        feeds.append(CorpusFeed(name, filename, tags, len(data)))

    toml_lines = [
        "# tui-reader benchmark config, written by bench/corpus.py; regenerate, do not edit.",
        f"# {n_feeds} feeds x {items} items, seed {seed}, served from {base_url}",
        "",
    ]
    for f in feeds:
        tags = ", ".join(_toml_str(t) for t in f.tags)
        toml_lines += [
            "[[feeds]]",
            f"name = {_toml_str(f.name)}",
            f"url = {_toml_str(base_url + f.filename)}",
            f"tags = [{tags}]",
            "",
        ]
    (out_dir / "feeds.toml").write_text("\n".join(toml_lines), encoding="utf-8")

    url_lines = [f"# newsboat urls file written by bench/corpus.py (seed {seed})"]
    for f in feeds:
        title = f.name.replace('"', "'")
        url_lines.append(f'{base_url}{f.filename} "~{title}" ' + " ".join(f.tags))
    (out_dir / "urls").write_text("\n".join(url_lines) + "\n", encoding="utf-8")
    return feeds


def main(argv: list[str] | None = None) -> int:
    """Command line: generate the corpus and print its size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output directory (created if missing)")
    parser.add_argument("--feeds", type=int, default=200, help="number of feeds (default 200)")
    parser.add_argument("--items", type=int, default=50, help="items per feed (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--base-url",
        default="http://127.0.0.1:8765/",
        help="URL the server will serve OUT from (default http://127.0.0.1:8765/)",
    )
    args = parser.parse_args(argv)
    if args.feeds < 1 or args.items < 1:
        parser.error("--feeds and --items must be at least 1")
    feeds = generate(args.out, args.feeds, args.items, args.seed, args.base_url)
    total = sum(f.size for f in feeds)
    atom = sum(f.filename.endswith(".atom") for f in feeds)
    smallest, largest = min(f.size for f in feeds), max(f.size for f in feeds)
    print(
        f"{len(feeds)} feeds ({atom} Atom, {len(feeds) - atom} RSS) x {args.items} items: "
        f"{total / 1e6:.1f} MB, {total / len(feeds) / 1e3:.0f} KB per feed on average, "
        f"min {smallest / 1e3:.0f} KB, max {largest / 1e3:.0f} KB -> {args.out}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
