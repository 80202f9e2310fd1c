"""The source essay, sentence by sentence, so evidence ids can be checked and quoted.

Cite a sentence as P<paragraph>.S<sentence> (e.g. P3.S2), as in the essay-by-sentence file. `ABOUT` says what is
known of the essay and what is not; docs/essay.md gives the sources.
"""

import textwrap

ABOUT = (
    "The essay: an English essay on Pakistan-US relations, 8 paragraphs and 27 sentences, unsigned and undated "
    "(author, outlet and exact date unknown). It calls Rizwan Saeed Sheikh, Pakistan's ambassador in Washington from "
    "August 2024, new, and a US administration new (in office from 20 January 2025), so it was written between about "
    "mid-2024 and mid-2025. Month 0 is its present, dated December 2024 (docs/essay.md gives the sources)."
)

SENTENCES: dict[str, str] = {
    "P1.S1": "Pakistan and the United States have a relationship shaped by their mutual political needs, and both countries’ political and military leaderships are aware of this, which keeps the desire for bilateral relations alive.",
    "P1.S2": "However, in today’s context, where Pakistan faces various domestic challenges, the support of the US is crucial for improving regional and global relations.",
    "P1.S3": "Despite this, the nature of relations between the two countries remains quite complex.",
    "P1.S4": "Yet, there are aspects of warmth in these relations, but tension and mistrust also persist, reflecting numerous ups and downs.",
    "P2.S1": "Some fundamental issues in Pakistan-US relations include a lack of trust.",
    "P2.S2": "Other issues involve Pakistan-Afghanistan relations, the US’s role or concerns and expectations, bilateral economic cooperation possibilities, internal and regional security, bilateral interests, communication-related matters, CPEC and US concerns, Pakistan-India relations, the Kashmir issue and the US’s role, extremism, terrorism, and the role of the Afghan Taliban (TTP), as well as Pakistan-China relations and the US perspective.",
    "P2.S3": "It must be understood that any improvement in the mistrust between Pakistan and the US would benefit both countries directly, not just one.",
    "P3.S1": "The US views the growing relationship and influence between Pakistan and China, as well as the increasing strategic and economic ties between the two countries, as potentially problematic.",
    "P3.S2": "The US is concerned that the strengthening of Pakistan-China relations could also create problems for its important partner, India, and harm US interests in the region.",
    "P4.S1": "The US wants Pakistan to adopt a balanced policy rather than relying heavily on China and to consider US interests.",
    "P4.S2": "Regarding terrorism, the US believes that Pakistan’s role is not aligned with US expectations, which has led to ongoing pressure from the US.",
    "P4.S3": "Pakistan’s stance is that it requires bilateral relations with the US based on trust rather than suspicion, excessive pressure, or mere allegations.",
    "P4.S4": "The interference of the US in regional politics, including support for India’s dominance, and issues such as Kashmir, the role of the US in Afghanistan, and Pakistan’s counter-terrorism efforts, should be addressed without undermining Pakistan’s interests.",
    "P5.S1": "Pakistan desires clear and transparent cooperation and trust from the US in addressing the significant challenges it faces.",
    "P5.S2": "While the US supports India, this support should not come at the expense of Pakistan’s interests.",
    "P5.S3": "Pakistan seeks balanced relations with China that do not conflict with US interests and does not wish to adopt a policy that pits it against the US.",
    "P6.S1": "Regarding global institutions, especially financial ones like the IMF, the US should adopt a positive approach in resolving any issues or obstacles in these matters, understanding that such processes should not be based on dictation.",
    "P6.S2": "Pakistan’s security policy clearly states its intention to focus on regional stability based on economic cooperation and avoiding conflicts.",
    "P6.S3": "The US should stand with Pakistan in this endeavor.",
    "P7.S1": "Pakistan also expects US cooperation in combating terrorism, where Pakistan-China relations and cooperation should be supported by the US to collectively address terrorism in the region.",
    "P7.S2": "Pakistan’s main challenge lies in internal political issues, and the lack of focused diplomacy in regional and global politics is apparent.",
    "P7.S3": "The new Pakistani ambassador to the US, Rizwan Saeed Sheikh, and the Foreign Ministry must play a role in overcoming the current deadlock or mistrust in Pakistan-US relations through a robust political and foreign policy strategy.",
    "P8.S1": "The real challenge is that Pakistan and the US must effectively address issues related to improving relations and develop a narrative with the help of various global think tanks and opinion-makers to ensure that their positions are heard, understood, and strengthened through bilateral actions.",
    "P8.S2": "The modern world requires deepened diplomacy and leveraging media, especially digital media.",
    "P8.S3": "Addressing concerns about Pakistan through dialogue with the new US ambassador could help mitigate misunderstandings.",
    "P8.S4": "The failure of our political leadership to effectively address these issues and shifting the burden onto one party highlights a weakness.",
    "P8.S5": "Investing in strong political and diplomatic efforts can lead to significant achievements.",
}


def about_lines(width: int = 112) -> list[str]:
    """`ABOUT` wrapped to `width` characters, one string per line."""
    return textwrap.wrap(ABOUT, width)
