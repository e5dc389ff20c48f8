"""The public site's words, Swedish first and English second.

The public pages keep their own small phrase book instead of gettext catalogues so
that the static snapshot renders both languages in one process without switching
the active translation, and so that the words a resident reads sit in one file a
communications officer can review. Keys are English.
"""

from __future__ import annotations

PHRASES: dict[str, tuple[str, str]] = {
    "site": ("SOT-punkter", "Service points"),
    "site_long": ("Service- och trygghetspunkter", "Service and safety points"),
    "site_in": (
        "Service- och trygghetspunkter i {county}",
        "Service and safety points in {county}",
    ),
    "skip": ("Hoppa till innehållet", "Skip to content"),
    "other_lang": ("English", "Svenska"),
    "exercise": ("ÖVNING", "EXERCISE"),
    "exercise_note": (
        "Det här är en övning, inte en verklig händelse.",
        "This is an exercise, not a real event.",
    ),
    "intro": (
        "När strömmen går under en längre tid håller SOT-punkterna öppet med "
        "reservkraft: mat, drivmedel, värme, laddning och information.",
        "When the power is out for a long time, the service points stay open on "
        "backup power: food, fuel, heat, charging and information.",
    ),
    "active_events": ("Pågående händelser", "Ongoing events"),
    "no_events": (
        "Ingen pågående händelse. Punkterna är i beredskap.",
        "No ongoing event. The points are on standby.",
    ),
    "points": ("Punkterna", "The points"),
    "open_of": ("{open} av {total} punkter öppna", "{open} of {total} points open"),
    "messages": ("Meddelanden", "Messages"),
    "map": ("Karta", "Map"),
    "larger_map": ("Större karta", "Larger map"),
    "find_nearest": ("Hitta närmaste öppna punkt", "Find the nearest open point"),
    "search_label": (
        "Ort, postnummer eller koordinater",
        "Place, postcode or coordinates",
    ),
    "search_hint": (
        "t.ex. Järpen, 830 05 eller 63.35 13.46",
        "e.g. Järpen, 830 05 or 63.35 13.46",
    ),
    "search": ("Sök", "Search"),
    "use_location": ("Använd min position", "Use my location"),
    "municipalities": ("Kommuner", "Municipalities"),
    "municipality": ("kommun", "municipality"),
    "what_works": ("Det här fungerar nu", "What works now"),
    "note_conflict": (
        "Texten ovan stämmer inte med rapporten om: {topics}. Det som står nedan "
        "gäller.",
        "The text above does not match the report on: {topics}. What is shown below "
        "holds.",
    ),
    "state_word": ("läget", "the state"),
    "what_offers": ("Det här kan punkten erbjuda", "What the point can offer"),
    "services": ("Service", "Services"),
    "fuel": ("Drivmedel", "Fuel"),
    "payment": ("Betalning", "Payment"),
    "find_here": ("Hitta hit", "How to get there"),
    "address": ("Adress", "Address"),
    "coordinates": ("Koordinater (WGS84)", "Coordinates (WGS84)"),
    "open_in_map": ("Öppna i kartappen", "Open in your map app"),
    "opening": ("Öppethållande vid störning", "Opening during a disruption"),
    "hours": ("Öppettider", "Opening hours"),
    "hours_today": ("Öppet i dag", "Open today"),
    "hours_until": (
        "Öppettiderna gäller under händelsen, som slutar {when}.",
        "These hours apply during the event, which ends {when}.",
    ),
    "hours_event": (
        "Öppettiderna gäller så länge händelsen pågår.",
        "These hours apply while the event lasts.",
    ),
    "hours_plan": (
        "Punktens planerade öppethållande vid störning.",
        "The point's planned opening during a disruption.",
    ),
    "contact": ("Kontakt", "Contact"),
    "next_update": ("Nästa uppdatering senast {when}", "Next update by {when}"),
    "notice": ("Anslag att skriva ut (PDF)", "Printable notice (PDF)"),
    "county_list": ("Lista över alla punkter (PDF)", "List of all points (PDF)"),
    "open_data": ("Öppna data", "Open data"),
    "feeds_intro": (
        "Samma uppgifter som maskinläsbara flöden:",
        "The same information as machine-readable feeds:",
    ),
    "open_now": ("Öppna punkter just nu", "Points open now"),
    "no_open": ("Ingen punkt är öppen just nu.", "No point is open right now."),
    "results": (
        "Närmaste öppna punkter från {place}",
        "Nearest open points from {place}",
    ),
    "results_any": (
        "Ingen punkt är öppen. Närmaste punkter från {place}:",
        "No point is open. Nearest points from {place}:",
    ),
    "not_found": (
        "Hittade ingen ort som heter ”{q}”. Prova ett annat namn, ett "
        "postnummer eller koordinater.",
        "Found no place called “{q}”. Try another name, a postcode or coordinates.",
    ),
    "postcode_not_found": (
        "Hittade inget postnummer {q}. Kontrollera siffrorna eller skriv ortens namn.",
        "Found no postcode {q}. Check the digits or type the name of the place.",
    ),
    "postcode_not_here": (
        "Postnumret {q} finns inte bland postnumren här. Skriv ortens namn.",
        "The postcode {q} is not among the postcodes here. Type the name of the place.",
    ),
    "places_title": ("Orter och närmaste punkter", "Places and their nearest points"),
    "places_intro": (
        "Hitta din ort eller by och dess närmaste öppna punkter, med avstånd "
        "fågelvägen. Listan fungerar utan JavaScript.",
        "Find your town or village and its nearest open points, with the distance "
        "as the crow flies. The list works without JavaScript.",
    ),
    "places_link": ("Orter A–Ö med närmaste punkter", "Places A–Z with nearest points"),
    "places_pick": (
        "Välj din kommun. Siffran är antalet orter i listan.",
        "Pick your municipality. The number is how many places it lists.",
    ),
    "places_other": ("Andra kommuner", "Other municipalities"),
    "places_points_of": ("Punkterna i", "The points in"),
    "places_none": ("Inga orter att visa.", "No places to show."),
    "search_needs_js": (
        "Sökningen här behöver JavaScript. Utan det: välj din ort i listan eller "
        "din kommun.",
        "Searching here needs JavaScript. Without it: pick your place in the list "
        "or your municipality.",
    ),
    "warnings": ("Varningar som gäller nu", "Warnings in force"),
    "issuer": ("Källa", "Source"),
    "osm": ("Visa på OpenStreetMap", "Show on OpenStreetMap"),
    "subscribe": ("Få besked när läget ändras", "Get word when the status changes"),
    "subscribe_text": (
        "Prenumerera på punkten (e-post eller SMS)",
        "Subscribe to this point (e-mail or SMS)",
    ),
    "fallback": ("Om nätet inte fungerar", "If the network is down"),
    "fb_radio": (
        "Lyssna på {radio} (batteriradio, bilradio).",
        "Listen to {radio} (battery or car radio).",
    ),
    "fb_info": (
        "Information om olyckor och kriser: ring {number}.",
        "Information on accidents and crises: call {number}.",
    ),
    "fb_emergency": (
        "Vid fara för liv, egendom eller miljö: ring {number}.",
        "Danger to life, property or the environment: call {number}.",
    ),
    "fb_sms": (
        "SMS: skicka {keyword} och din ort till {number}, t.ex. {keyword} {example}.",
        "Text {keyword} and your town to {number}, e.g. {keyword} {example}.",
    ),
    "live_only": (
        "bara på den levande webbplatsen, inte i den här kopian",
        "on the live site only, not in this copy",
    ),
    "ask_again": (
        "Skriv namnet på din ort, ditt postnummer eller koordinater och tryck Sök.",
        "Type the name of your town or village, your postcode or coordinates and "
        "press Search.",
    ),
    "outside": (
        "{place} ligger utanför {area}, som den här webbplatsen visar. Fråga "
        "din kommun eller ditt län var närmaste SOT-punkt finns.",
        "{place} is outside {area}, which this site covers. Ask your own "
        "municipality or county where the nearest service point is.",
    ),
    "this_area": ("området", "the area"),
    "approximate": (
        "Postnumret täcker ett stort område: avståndet räknas från kommunens "
        "mitt. Skriv byns namn för ett säkrare svar.",
        "The postcode covers a large area: distances are from the middle of the "
        "municipality. Type the name of your village for a better answer.",
    ),
    "estimated": (
        "Vi vet bara ungefär var {place} ligger, så avstånden kan vara fel med "
        "några mil. Skriv en större ort i närheten för ett säkrare svar.",
        "We only know roughly where {place} is, so the distances may be off by "
        "tens of kilometres. Type a larger place nearby for a better answer.",
    ),
    "rough_place": (
        "läget ungefärligt, avstånden osäkra",
        "rough position, distances uncertain",
    ),
    "location_refused": (
        "Din position gick inte att hämta. Skriv ortens namn eller ditt "
        "postnummer i stället.",
        "Your location could not be found. Type the name of the place or your "
        "postcode instead.",
    ),
    "did_you_mean": ("Menade du", "Did you mean"),
    "distance": ("Avstånd", "Distance"),
    "your_position": ("din position", "your position"),
    "as_crow": ("fågelvägen", "as the crow flies"),
    "all_points": ("Alla punkter", "All points"),
    "counties": ("Län", "Counties"),
    "n_open": ("{open} av {total} öppna", "{open} of {total} open"),
    "live_points": (
        "Aktiverade punkter i länet",
        "Activated points in the county",
    ),
    "more_in_municipality": (
        "Övriga punkter finns under kommunerna.",
        "The other points are listed under the municipalities.",
    ),
    "back_home": ("Till startsidan", "Back to the start page"),
    "points_in": ("SOT-punkter i {name}", "Service points in {name}"),
    "no_points_here": (
        "Kommunen har inga SOT-punkter ännu.",
        "The municipality has no service points yet.",
    ),
    "event": ("Händelse", "Event"),
    "no_messages": ("Inga meddelanden just nu.", "No messages right now."),
    "state": ("Läge", "Status"),
    "snapshot_note": (
        "Sidan visar läget när den publicerades {when}.",
        "This page shows the status when it was published {when}.",
    ),
    "published": ("publicerad", "published"),
    "map_text": (
        "Kartan visar punkterna: cirkel = öppen, triangel = öppen med "
        "begränsningar, fyrkant = stängd, ring = inte aktiverad. Samma uppgifter "
        "finns i listan.",
        "The map shows the points: circle = open, triangle = open with "
        "limitations, square = closed, ring = not activated. The list has the "
        "same information.",
    ),
    "geojson": ("GeoJSON med aktuellt läge", "GeoJSON with live status"),
    "csv": ("CSV (med HXL-rad)", "CSV (with HXL row)"),
    "cap": ("CAP-varningar (Atom)", "CAP alerts (Atom)"),
    "atom": ("Meddelanden (Atom)", "Messages (Atom)"),
    "tiles": ("Karta med bakgrund", "Map with background"),
    "slippy_label": (
        "Karta med bakgrund som går att flytta och zooma. Samma punkter finns i "
        "listan nedanför.",
        "Map with background that can be panned and zoomed. The list below has "
        "the same points.",
    ),
    "zoom_in": ("Zooma in", "Zoom in"),
    "zoom_out": ("Zooma ut", "Zoom out"),
    "ogc": (
        "OGC API – Features (för GIS, t.ex. QGIS)",
        "OGC API – Features (for GIS, e.g. QGIS)",
    ),
}


def phrases(lang: str) -> dict[str, str]:
    """All phrases in ``lang`` (``sv`` unless ``en``)."""
    index = 1 if lang == "en" else 0
    return {key: pair[index] for key, pair in PHRASES.items()}
