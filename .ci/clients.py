"""Clients nobody here wrote, on the open data a running service serves (issue 23), with their
defaults and no workaround: requests follows the list's `Link` headers page by page and to the
list's citation; pandas reads the CSV as it comes. Run by .ci/schemathesis.sh after it seeded the
letter (three imported signatories, one of them in Namibia, one named like a formula).

    python clients.py BASE_URL LETTER_SLUG
"""
import sys

import pandas as pd
import requests

base, slug = sys.argv[1], sys.argv[2]
url = f"{base}/api/v1/letters/{slug}/signatories"

# requests: every page through r.links["next"] (absolute), one organisation a page.
first = requests.get(url, params={"limit": 1}, timeout=30)
first.raise_for_status()
total = first.json()["total"]
names, page, pages = [], first, 0
while True:
    names += [item["name"] for item in page.json()["items"]]
    pages += 1
    following = page.links.get("next")
    if following is None:
        break
    page = requests.get(following["url"], timeout=30)
    page.raise_for_status()
assert total >= 3 and len(names) == total == pages, (total, names, pages)
assert len(set(names)) == total, names
# The citation and the data dictionary, as links a client follows.
cited = requests.get(first.links["cite-as"]["url"], timeout=30).json()
assert cited["total"] == total, cited
assert sorted(item["name"] for item in cited["items"]) == sorted(names), cited
assert first.links["describedby"]["url"].endswith(f"/letters/{slug}/datapackage.json")
assert "license" in first.links

# pandas: read_csv with its defaults.
frame = pd.read_csv(f"{url}.csv")
assert len(frame) == total, frame
namibia = frame[frame["country_alpha3"] == "NAM"]
assert len(namibia) == 1 and namibia.iloc[0]["country_name"] == "Namibia", frame
assert namibia.iloc[0]["name"] == "Namibia Media Trust", frame
assert (frame["name"] == "'=Formula Watch").sum() == 1, "a formula cell comes defused"
assert frame["signed_at"].notna().all() and frame["slug"].is_unique, frame
print(f"requests: {pages} pages by rel=next, {total} organisations, citation and dictionary "
      f"followed; pandas: {len(frame)} rows, Namibia found by country_alpha3")
