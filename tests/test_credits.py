"""Credit lines and captions blocks as newsrooms write them: parse, spoken reading, block layout.

The table holds real-world credit forms (agency chains, handouts, pools, file photos, courtesy
lines, press offices, copyright notices, by-lines, names in any alphabet) with the structure
expected and the words a newsreader would say.
"""

from __future__ import annotations

import pytest

from briefing.text.credit_lines import Likelihood, credit_likelihood
from briefing.text.credits import CreditRole, parse_credit
from briefing.text.describe import say_credit

PHOTOGRAPHER, AGENCY, HANDOUT, POOL, FILE, COURTESY, OFFICE, PROVIDER = (
    CreditRole.PHOTOGRAPHER, CreditRole.AGENCY, CreditRole.HANDOUT, CreditRole.POOL,
    CreditRole.FILE, CreditRole.COURTESY, CreditRole.OFFICE, CreditRole.PROVIDER)

# (credit line, role, photographer, sources, via, spoken reading)
CREDITS = [
    ('Alain Jocard/AFP/Getty Images', PHOTOGRAPHER, 'Alain Jocard', ('AFP',), 'Getty Images',
     'Photo by Alain Jocard, AFP, via Getty Images'),
    ('File photo', FILE, None, (), None,
     'File photo'),
    ('File/AP', FILE, None, ('AP',), None,
     'File photo from AP'),
    ('Pool photo via AP', POOL, None, (), 'AP',
     'Pool photo from AP'),
    ('Family handout', HANDOUT, None, (), None,
     'Family handout photo'),
    ('Handout/Reuters', HANDOUT, None, ('Reuters',), None,
     'Handout photo from Reuters'),
    ('Handout via Reuters', HANDOUT, None, (), 'Reuters',
     'Handout photo from Reuters'),
    ('Pool/AFP/Getty Images', POOL, None, ('AFP',), 'Getty Images',
     'Pool photo from AFP, via Getty Images'),
    ('Courtesy of the Lithuanian presidency', COURTESY, None, ('the Lithuanian presidency',), None,
     'Photo courtesy of the Lithuanian presidency'),
    ('Courtesy John Smith', COURTESY, None, ('John Smith',), None,
     'Photo courtesy of John Smith'),
    ('Press office of the Cannes Film Festival', OFFICE, None,
     ('Press office of the Cannes Film Festival',), None,
     'Photo from the press office of the Cannes Film Festival'),
    ('Festival press office', OFFICE, None, ('Festival press office',), None,
     'Photo from the festival press office'),
    ('Ukrainian Presidential Press Service/Reuters', OFFICE, None,
     ('Ukrainian Presidential Press Service',), 'Reuters',
     'Photo from the Ukrainian Presidential Press Service, via Reuters'),
    ('picture alliance/dpa', AGENCY, None, ('picture alliance', 'dpa'), None,
     'Photo by picture alliance, dpa'),
    ('dpa', AGENCY, None, ('dpa',), None,
     'Photo by dpa'),
    ('imago', AGENCY, None, ('imago',), None,
     'Photo by imago'),
    ('Satellite image ©2024 Maxar Technologies', PROVIDER, None, ('Maxar Technologies',), None,
     'Satellite image by Maxar Technologies'),
    ('© Planet Labs PBC', PROVIDER, None, ('Planet Labs PBC',), None,
     'Satellite image by Planet Labs PBC'),
    ('Photo: Jane Doe', PHOTOGRAPHER, 'Jane Doe', (), None,
     'Photo by Jane Doe'),
    ('Photograph by Jane Doe', PHOTOGRAPHER, 'Jane Doe', (), None,
     'Photo by Jane Doe'),
    ('Jane Doe for The New York Times', PHOTOGRAPHER, 'Jane Doe', (), None,
     'Photo by Jane Doe for The New York Times'),
    ('Jane Doe/The Washington Post via Getty Images', PHOTOGRAPHER, 'Jane Doe',
     ('The Washington Post',), 'Getty Images',
     'Photo by Jane Doe, The Washington Post, via Getty Images'),
    ('AP Photo/Jane Doe', PHOTOGRAPHER, 'Jane Doe', ('AP',), None,
     'Photo by Jane Doe, AP'),
    ('Reuters/Jane Doe', PHOTOGRAPHER, 'Jane Doe', ('Reuters',), None,
     'Photo by Jane Doe, Reuters'),
    ('Anadolu Agency via Getty Images', AGENCY, None, ('Anadolu Agency',), 'Getty Images',
     'Photo by Anadolu Agency, via Getty Images'),
    ('Sputnik/Kremlin Pool Photo via AP', POOL, None, ('Sputnik',), 'AP',
     'Kremlin pool photo from Sputnik, via AP'),
    ('NASA/JPL-Caltech', AGENCY, None, ('NASA', 'JPL-Caltech'), None,
     'Photo by NASA, JPL-Caltech'),
    ('U.S. Navy', AGENCY, None, ('U.S. Navy',), None,
     'Photo by the U.S. Navy'),
    ('Jane Doe/Bloomberg/Getty Images', PHOTOGRAPHER, 'Jane Doe', ('Bloomberg',), 'Getty Images',
     'Photo by Jane Doe, Bloomberg, via Getty Images'),
    ('EPA-EFE/Shutterstock', AGENCY, None, ('EPA-EFE',), 'Shutterstock',
     'Photo by EPA-EFE, via Shutterstock'),
    ('SOPA Images/LightRocket/Getty Images', AGENCY, None,
     ('SOPA Images', 'LightRocket'), 'Getty Images',
     'Photo by SOPA Images, LightRocket, via Getty Images'),
    ('Xinhua/Getty Images', AGENCY, None, ('Xinhua',), 'Getty Images',
     'Photo by Xinhua, via Getty Images'),
    ('Дмитрий Иванов/ТАСС', PHOTOGRAPHER, 'Дмитрий Иванов', ('ТАСС',), None,
     'Photo by Дмитрий Иванов, ТАСС'),
    ('Nguyễn Văn A/VNA', PHOTOGRAPHER, 'Nguyễn Văn A', ('VNA',), None,
     'Photo by Nguyễn Văn A, VNA'),
    ('AP Photo/Jane Doe, File', FILE, 'Jane Doe', ('AP',), None,
     'File photo by Jane Doe, AP'),
    ('Maxar Technologies', PROVIDER, None, ('Maxar Technologies',), None,
     'Satellite image by Maxar Technologies'),
    ('Astrig Agopian', PHOTOGRAPHER, 'Astrig Agopian', (), None,
     'Photo by Astrig Agopian'),
    ('Irakli Gedenidze/Reuters', PHOTOGRAPHER, 'Irakli Gedenidze', ('Reuters',), None,
     'Photo by Irakli Gedenidze, Reuters'),
    ('Copernicus Sentinel-2/ESA', PROVIDER, None, ('Copernicus Sentinel-2', 'ESA'), None,
     'Satellite image by Copernicus Sentinel-2, ESA'),
    ('Jana Müller/dpa/Getty Images', PHOTOGRAPHER, 'Jana Müller', ('dpa',), 'Getty Images',
     'Photo by Jana Müller, dpa, via Getty Images'),
    ('Ukrainian Presidential Press Service/Handout via Reuters', HANDOUT, None,
     ('Ukrainian Presidential Press Service',), 'Reuters',
     'Handout photo from the Ukrainian Presidential Press Service, via Reuters'),
    ('Jane Doe/Pool via Reuters', POOL, 'Jane Doe', (), 'Reuters',
     'Pool photo by Jane Doe, via Reuters'),
    ('Europa Press/AP', AGENCY, None, ('Europa Press',), 'AP',
     'Photo by Europa Press, via AP'),
    ('Mikhail Metzel/Sputnik/Kremlin Pool Photo via AP', POOL, 'Mikhail Metzel', ('Sputnik',), 'AP',
     'Kremlin pool photo by Mikhail Metzel, Sputnik, via AP'),
    ('Handout', HANDOUT, None, (), None,
     'Handout photo'),
    ('Reuters/Handout', HANDOUT, None, ('Reuters',), None,
     'Handout photo from Reuters'),
    ('Iranian Presidency/WANA/Handout via Reuters', HANDOUT, None,
     ('Iranian Presidency', 'WANA'), 'Reuters',
     'Handout photo from the Iranian Presidency, WANA, via Reuters'),
    ('Courtesy of NASA', COURTESY, None, ('NASA',), None,
     'Photo courtesy of NASA'),
    ('Photo courtesy of the Smith family', COURTESY, None, ('the Smith family',), None,
     'Photo courtesy of the Smith family'),
    ('Photo by Jane Doe', PHOTOGRAPHER, 'Jane Doe', (), None,
     'Photo by Jane Doe'),
    ('Photos: Jane Doe/AP', PHOTOGRAPHER, 'Jane Doe', ('AP',), None,
     'Photo by Jane Doe, AP'),
    ('© 2024 Maxar Technologies', PROVIDER, None, ('Maxar Technologies',), None,
     'Satellite image by Maxar Technologies'),
    ('(c) Airbus DS', PROVIDER, None, ('Airbus DS',), None,
     'Satellite image by Airbus DS'),
    ('Planet Labs PBC via AP', PROVIDER, None, ('Planet Labs PBC',), 'AP',
     'Satellite image by Planet Labs PBC, via AP'),
    ('Jim Watson/AFP via Getty Images', PHOTOGRAPHER, 'Jim Watson', ('AFP',), 'Getty Images',
     'Photo by Jim Watson, AFP, via Getty Images'),
    ('Mandel Ngan/Pool/AFP via Getty Images', POOL, 'Mandel Ngan', ('AFP',), 'Getty Images',
     'Pool photo by Mandel Ngan, AFP, via Getty Images'),
    ('Kay Nietfeld/dpa/picture alliance via Getty Images', PHOTOGRAPHER, 'Kay Nietfeld',
     ('dpa', 'picture alliance'), 'Getty Images',
     'Photo by Kay Nietfeld, dpa, picture alliance, via Getty Images'),
    ('Lisi Niesner/Reuters/File', FILE, 'Lisi Niesner', ('Reuters',), None,
     'File photo by Lisi Niesner, Reuters'),
    ('AP Photo', AGENCY, None, ('AP',), None,
     'Photo by AP'),
    ('Mustafa Hassona/Anadolu via Getty Images', PHOTOGRAPHER, 'Mustafa Hassona',
     ('Anadolu',), 'Getty Images',
     'Photo by Mustafa Hassona, Anadolu, via Getty Images'),
    ('Ukrainian Defence Ministry/Handout via Reuters', HANDOUT, None,
     ('Ukrainian Defence Ministry',), 'Reuters',
     'Handout photo from the Ukrainian Defence Ministry, via Reuters'),
    ('Russian Defense Ministry Press Service/AP', OFFICE, None,
     ('Russian Defense Ministry Press Service',), 'AP',
     'Photo from the Russian Defense Ministry Press Service, via AP'),
    ('White House/Handout', HANDOUT, None, ('White House',), None,
     'Handout photo from the White House'),
    ('Israel Defense Forces', AGENCY, None, ('Israel Defense Forces',), None,
     'Photo by the Israel Defense Forces'),
    ('ESA/NASA', AGENCY, None, ('ESA', 'NASA'), None,
     'Photo by ESA, NASA'),
    ('Jane Doe/The New York Times', PHOTOGRAPHER, 'Jane Doe', ('The New York Times',), None,
     'Photo by Jane Doe, The New York Times'),
    ('Jae C. Hong/AP', PHOTOGRAPHER, 'Jae C. Hong', ('AP',), None,
     'Photo by Jae C. Hong, AP'),
    ('Pool photo by Jane Doe via AP', POOL, 'Jane Doe', (), 'AP',
     'Pool photo by Jane Doe, via AP'),
    ('Handout/Ukrainian Presidential Press Service/AFP', HANDOUT, None,
     ('Ukrainian Presidential Press Service',), 'AFP',
     'Handout photo from the Ukrainian Presidential Press Service, via AFP'),
    ('File photo: Jane Doe/Reuters', FILE, 'Jane Doe', ('Reuters',), None,
     'File photo by Jane Doe, Reuters'),
    ('Satellite image ©2023 Planet Labs PBC/Handout via Reuters', HANDOUT, None,
     ('Planet Labs PBC',), 'Reuters',
     'Handout satellite image from Planet Labs PBC, via Reuters'),
    ('Getty Images for Netflix', AGENCY, None, ('Getty Images',), None,
     'Photo by Getty Images, for Netflix'),
    ('Jane Doe/Getty Images for Tribeca Festival', PHOTOGRAPHER, 'Jane Doe',
     ('Getty Images',), None,
     'Photo by Jane Doe, Getty Images, for Tribeca Festival'),
    ('Courtesy of the artist and Gagosian', COURTESY, None, ('the artist and Gagosian',), None,
     'Photo courtesy of the artist and Gagosian'),
    ('Photo illustration by Jane Doe', PHOTOGRAPHER, 'Jane Doe', (), None,
     'Illustration by Jane Doe'),
    ('Kremlin Press Office/Handout/Anadolu Agency via Getty Images', HANDOUT, None,
     ('Kremlin Press Office', 'Anadolu Agency'), 'Getty Images',
     'Handout photo from the Kremlin Press Office, Anadolu Agency, via Getty Images'),
    ('Jane Doe/Anadolu Agency/Getty Images', PHOTOGRAPHER, 'Jane Doe',
     ('Anadolu Agency',), 'Getty Images',
     'Photo by Jane Doe, Anadolu Agency, via Getty Images'),
    ('Xinhua/Li Ming via Getty Images', PHOTOGRAPHER, 'Li Ming', ('Xinhua',), 'Getty Images',
     'Photo by Li Ming, Xinhua, via Getty Images'),
    ('Sipa USA via AP', AGENCY, None, ('Sipa USA',), 'AP',
     'Photo by Sipa USA, via AP'),
    ('Sven Hoppe/dpa', PHOTOGRAPHER, 'Sven Hoppe', ('dpa',), None,
     'Photo by Sven Hoppe, dpa'),
    ('imago images/Xinhua', AGENCY, None, ('imago images', 'Xinhua'), None,
     'Photo by imago images, Xinhua'),
    ('Thomas Peter/Reuters/Pool', POOL, 'Thomas Peter', ('Reuters',), None,
     'Pool photo by Thomas Peter, Reuters'),
    ('Yonhap via AP', AGENCY, None, ('Yonhap',), 'AP',
     'Photo by Yonhap, via AP'),
    ('Evelyn Hockstein/Reuters', PHOTOGRAPHER, 'Evelyn Hockstein', ('Reuters',), None,
     'Photo by Evelyn Hockstein, Reuters'),
    ('Courtesy Maxar Technologies', COURTESY, None, ('Maxar Technologies',), None,
     'Satellite image courtesy of Maxar Technologies'),
    # brackets, "Credit:", pipes, names in capitals, unnamed staff, video stills
    ('(Photo: Jane Doe/AP)', PHOTOGRAPHER, 'Jane Doe', ('AP',), None, 'Photo by Jane Doe, AP'),
    ('Credit: Jane Doe/AP', PHOTOGRAPHER, 'Jane Doe', ('AP',), None, 'Photo by Jane Doe, AP'),
    ('Photo credit: Jane Doe', PHOTOGRAPHER, 'Jane Doe', (), None, 'Photo by Jane Doe'),
    ('Jane Doe | Bloomberg | Getty Images', PHOTOGRAPHER, 'Jane Doe', ('Bloomberg',),
     'Getty Images', 'Photo by Jane Doe, Bloomberg, via Getty Images'),
    ('JOHN MACDOUGALL/AFP via Getty Images', PHOTOGRAPHER, 'JOHN MACDOUGALL', ('AFP',),
     'Getty Images', 'Photo by John Macdougall, AFP, via Getty Images'),
    ('REUTERS/Stringer', AGENCY, None, ('REUTERS',), None, 'Photo by Reuters'),
    ('STR/AFP via Getty Images', AGENCY, None, ('AFP',), 'Getty Images',
     'Photo by AFP, via Getty Images'),
    ('Screengrab/Reuters', AGENCY, None, ('Reuters',), None, 'Video still by Reuters'),
    ('Handout via Reuters.', HANDOUT, None, (), 'Reuters', 'Handout photo from Reuters'),
    ('Jane Doe for The Washington Post via Getty Images', PHOTOGRAPHER, 'Jane Doe', (),
     'Getty Images', 'Photo by Jane Doe for The Washington Post, via Getty Images'),
    ('Photo provided by the city of Tartu', HANDOUT, None, ('the city of Tartu',), None,
     'Handout photo from the city of Tartu'),
    ('Image released by the Ministry of Defence via AP', HANDOUT, None,
     ('the Ministry of Defence',), 'AP', 'Handout photo from the Ministry of Defence, via AP'),
]
NAME_ONLY = {"Astrig Agopian"}
"""Credits that are only a person's name: a credit after a caption, not a known form alone."""
ORGANISATION_ONLY = {"U.S. Navy", "Maxar Technologies", "Israel Defense Forces",
                     "Wikimedia Commons", "Library of Congress"}
"""Credits that are only an organisation's name: a credit after a caption; a short caption
could name one too, so the block around them decides."""


def expected_likelihood(line: str) -> Likelihood:
    if line in NAME_ONLY:
        return Likelihood.NAME
    return Likelihood.ORGANISATION if line in ORGANISATION_ONLY else Likelihood.FORM


@pytest.mark.parametrize(("line", "role", "photographer", "sources", "via", "spoken"), CREDITS)
def test_credit_table(line: str, role: CreditRole, photographer: str | None,
                      sources: tuple[str, ...], via: str | None, spoken: str) -> None:
    credit = parse_credit(line)
    assert (credit.role, credit.photographer, credit.sources, credit.via) == (
        role, photographer, sources, via)
    assert say_credit(credit, credit.kind or "photo") == spoken
    assert credit_likelihood(line) is expected_likelihood(line)


def test_the_table_is_large_enough() -> None:
    assert len(CREDITS) >= 40
    assert len({line for line, *_ in CREDITS}) == len(CREDITS)


def test_spoken_credits_never_say_signs_roles_as_names_or_years() -> None:
    for line in [c[0] for c in CREDITS] + [c[0] for c in SPOKEN]:
        spoken = say_credit(parse_credit(line), parse_credit(line).kind or "photo")
        assert "©" not in spoken and "(c)" not in spoken and "20" not in spoken
        assert not spoken.startswith(("Photo by Handout", "Photo by Pool", "Photo by File",
                                      "Photo by Courtesy", "Photo by Photo"))
        assert "/" not in spoken and "  " not in spoken


# More real-world credit lines (wire services of many countries), with the reading expected.
SPOKEN = [
    ('Yuki Iwamura/AFP via Getty Images/File', 'File photo by Yuki Iwamura, AFP, via Getty Images'),
    ('Chris Ratcliffe/Bloomberg via Getty Images',
     'Photo by Chris Ratcliffe, Bloomberg, via Getty Images'),
    ('Kyodo News via AP', 'Photo by Kyodo News, via AP'),
    ('KCNA via KNS/AP', 'Photo by KCNA, KNS, via AP'),
    ('Ukrainian Armed Forces/Handout via Reuters',
     'Handout photo from the Ukrainian Armed Forces, via Reuters'),
    ('Ministry of Defence of Ukraine/AFP', 'Photo by the Ministry of Defence of Ukraine, via AFP'),
    ('Uncredited/AP', 'Photo by AP'),
    ('Provided by the family', 'Handout photo from the family'),
    ('Wikimedia Commons', 'Photo by Wikimedia Commons'),
    ('Library of Congress', 'Photo by the Library of Congress'),
    ('The Associated Press', 'Photo by The Associated Press'),
    ('Associated Press', 'Photo by Associated Press'),
    ('Agence France-Presse', 'Photo by Agence France-Presse'),
    ('ROBERTO SCHMIDT/AFP via Getty Images', 'Photo by Roberto Schmidt, AFP, via Getty Images'),
    ('Sebastian Gollnow/picture alliance via Getty Images',
     'Photo by Sebastian Gollnow, picture alliance, via Getty Images'),
    ('Marijan Murat/dpa/AP', 'Photo by Marijan Murat, dpa, via AP'),
    ('Michael Probst/AP Photo', 'Photo by Michael Probst, AP'),
    ('Hannibal Hanschke/EPA-EFE/Shutterstock',
     'Photo by Hannibal Hanschke, EPA-EFE, via Shutterstock'),
    ('Stringer/Reuters', 'Photo by Reuters'),
    ('AFP', 'Photo by AFP'),
    ('via Reuters', 'Photo by Reuters'),
    ('Obtained by CNN', 'Photo by CNN'),
    ('CNN', 'Photo by CNN'),
    ('Jane Doe/Instagram', 'Photo by Jane Doe, Instagram'),
    ('Social media/Reuters', 'Photo from social media, via Reuters'),
    ('Telegram/Reuters', 'Photo from Telegram, via Reuters'),
    ('Google Earth', 'Photo by Google Earth'),
    ('© OpenStreetMap contributors', 'Photo by OpenStreetMap contributors'),
    ('Photo by Jane Doe/The Guardian', 'Photo by Jane Doe, The Guardian'),
    ('Jane Doe for CNN', 'Photo by Jane Doe for CNN'),
    ('Jane Doe/NPR', 'Photo by Jane Doe, NPR'),
    ('Courtesy of Jane Doe via AP', 'Photo courtesy of Jane Doe, via AP'),
    ('Family photo via AP', 'Family handout photo from AP'),
    ('Handout from the Israel Defense Forces', 'Handout photo from the Israel Defense Forces'),
    ("IDF Spokesperson's Unit via AP", "Photo by the IDF Spokesperson's Unit, via AP"),
    ('Palestinian Red Crescent Society via AP',
     'Photo by the Palestinian Red Crescent Society, via AP'),
    ('Chen Yichen/Xinhua via Getty Images', 'Photo by Chen Yichen, Xinhua, via Getty Images'),
    ('Kim Hong-Ji/Reuters', 'Photo by Kim Hong-Ji, Reuters'),
    ('Li Tao/Xinhua/AP', 'Photo by Li Tao, Xinhua, via AP'),
    ('Jean-François Badias/AP', 'Photo by Jean-François Badias, AP'),
    ("O'Neil Arnold/AP", "Photo by O'Neil Arnold, AP"),
    ('Mauricio Dueñas Castañeda/EPA', 'Photo by Mauricio Dueñas Castañeda, EPA'),
    ('Ng Han Guan/AP', 'Photo by Ng Han Guan, AP'),
    ('Evan Vucci/AP', 'Photo by Evan Vucci, AP'),
    ('Leon Neal/Getty Images', 'Photo by Leon Neal, Getty Images'),
    ('Anna Moneymaker/Getty Images', 'Photo by Anna Moneymaker, Getty Images'),
    ('Sergei Supinsky/AFP via Getty Images', 'Photo by Sergei Supinsky, AFP, via Getty Images'),
    ('Russian Emergency Ministry Press Service via AP',
     'Photo from the Russian Emergency Ministry Press Service, via AP'),
    ('Ukrainian Emergency Service via AP', 'Photo from the Ukrainian Emergency Service, via AP'),
    ('State Emergency Service of Ukraine/Handout via Reuters',
     'Handout photo from the State Emergency Service of Ukraine, via Reuters'),
    ('Office of the President of Ukraine', 'Photo from the office of the President of Ukraine'),
    ('Kremlin.ru/Handout via Reuters', 'Handout photo from Kremlin.ru, via Reuters'),
    ('Gavriil Grigorov/Sputnik/AFP via Getty Images',
     'Photo by Gavriil Grigorov, Sputnik, AFP, via Getty Images'),
    ('Alexander Kazakov/Sputnik/Kremlin Pool Photo via AP',
     'Kremlin pool photo by Alexander Kazakov, Sputnik, via AP'),
    ('Dado Ruvić/Reuters', 'Photo by Dado Ruvić, Reuters'),
    ('Ludovic Marin/Pool via AP', 'Pool photo by Ludovic Marin, via AP'),
    ('Pool via Reuters', 'Pool photo from Reuters'),
    ('Jacquelyn Martin/AP', 'Photo by Jacquelyn Martin, AP'),
    ('Sarah Meyssonnier/Pool via Reuters', 'Pool photo by Sarah Meyssonnier, via Reuters'),
    ('Sven Hoppe/dpa via AP', 'Photo by Sven Hoppe, dpa, via AP'),
    ('Ina Fassbender/AFP via Getty Images', 'Photo by Ina Fassbender, AFP, via Getty Images'),
    ('Ritzau Scanpix/via Reuters', 'Photo by Ritzau Scanpix, via Reuters'),
    ('NTB/AFP via Getty Images', 'Photo by NTB, AFP, via Getty Images'),
    ('Lehtikuva/Reuters', 'Photo by Lehtikuva, via Reuters'),
    ('Vesa Moilanen/Lehtikuva via AP', 'Photo by Vesa Moilanen, Lehtikuva, via AP'),
    ('TT News Agency/Reuters', 'Photo by TT News Agency, via Reuters'),
    ('Jonathan Nackstrand/AFP', 'Photo by Jonathan Nackstrand, AFP'),
    ('Jessica Gow/TT via AP', 'Photo by Jessica Gow, TT, via AP'),
]


@pytest.mark.parametrize(("line", "spoken"), SPOKEN)
def test_more_credit_lines_are_said_right(line: str, spoken: str) -> None:
    credit = parse_credit(line)
    assert say_credit(credit, credit.kind or "photo") == spoken
    assert credit_likelihood(line) is expected_likelihood(line)


@pytest.mark.parametrize(("line", "field", "value"), [
    ("Jane Doe for The New York Times", "for_org", "The New York Times"),
    ("Jane Doe/Getty Images for Tribeca Festival", "for_org", "Tribeca Festival"),
    ("Family handout", "qualifier", "Family"),
    ("Sputnik/Kremlin Pool Photo via AP", "qualifier", "Kremlin"),
    ("Satellite image ©2024 Maxar Technologies", "year", 2024),
    ("© 2024 Maxar Technologies", "year", 2024),
    ("© Planet Labs PBC", "year", None),
    ("Satellite image ©2024 Maxar Technologies", "kind", "satellite image"),
    ("Copernicus Sentinel-2/ESA", "kind", "satellite image"),
    ("Photo illustration by Jane Doe", "kind", "illustration"),
    ("Alain Jocard/AFP/Getty Images", "kind", None),
    ("Alain Jocard/AFP/Getty Images", "organisations", ("AFP", "Getty Images")),
    ("Europa Press/AP", "organisations", ("Europa Press", "AP")),
])
def test_credit_fields(line: str, field: str, value: object) -> None:
    assert getattr(parse_credit(line), field) == value


@pytest.mark.parametrize("line", [
    "A woman cries in a truck", "Volunteers hand out water", "People wait at the border",
    "Smoke rises over the hills above the village on March 6.",
    "Photographers take pictures of the handout ceremony at the pool on Friday.",
    "A file photo shows the old bridge before it collapsed in 2019.",
    "Courtesy visits by the delegation continued for three days across the region.",
    "Reuters journalists were among those detained by the police.",
    "File photo of the bridge", "Courtesy visits continue", "Via Dolorosa in Jerusalem",
    "Pool party in Miami", "Office workers leave the building", "Press conference at the Kremlin",
    "A handout photo shows the damaged ship", "Getty Images photographer at work",
])
def test_captions_are_not_credit_forms(line: str) -> None:
    assert credit_likelihood(line) <= Likelihood.UNLIKELY
