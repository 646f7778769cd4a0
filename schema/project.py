"""The model of one project file, `projects/<id>.yaml`.

Field titles and descriptions are Danish: they become editor tooltips through
the JSON Schema and the field reference on the site.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from schema.catalogue import RULE_CODE_PATTERN
from schema.common import Email, LongText, Reference, Slug, StrictModel, Text, Url, form


class Status(StrEnum):
    """Where a project is in its life."""

    IDEA = "idea"
    STARTUP = "startup"
    EXECUTION = "execution"
    BENEFITS = "benefits"
    COMPLETED = "completed"
    PAUSED = "paused"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        """The Danish name shown to users."""
        return STATUS_LABELS[self]

    @property
    def is_past_idea(self) -> bool:
        """True once the project has left the idea bank and must follow the start-up rules."""
        return self is not Status.IDEA

    @property
    def is_active(self) -> bool:
        """True while the project is being started, carried out or followed up."""
        return self in (Status.STARTUP, Status.EXECUTION, Status.BENEFITS)

    @property
    def is_closed(self) -> bool:
        """True for a project that has ended, one way or the other."""
        return self in (Status.COMPLETED, Status.CANCELLED)


STATUS_LABELS: dict[Status, str] = {
    Status.IDEA: "Idé",
    Status.STARTUP: "Opstart",
    Status.EXECUTION: "Gennemførelse",
    Status.BENEFITS: "Drift og gevinstrealisering",
    Status.COMPLETED: "Afsluttet",
    Status.PAUSED: "Sat i bero",
    Status.CANCELLED: "Stoppet",
}


class Scope(StrEnum):
    """Whether the project is decided locally or jointly for all municipalities."""

    LOCAL = "local"
    COMMON = "common"

    @property
    def label(self) -> str:
        """The Danish name shown to users."""
        return "Lokalt" if self is Scope.LOCAL else "Fælleskommunalt"


class InfrastructureComponent(StrEnum):
    """Components of the common-municipal infrastructure (KOMBIT's KDI)."""

    ORGANISATION = "organisation"
    KLASSIFIKATION = "klassifikation"
    SAGS_OG_DOKUMENTINDEKS = "sags-og-dokumentindeks"
    YDELSESINDEKS = "ydelsesindeks"
    BESKEDFORDELER = "beskedfordeler"
    ADGANGSSTYRING = "adgangsstyring"
    SERVICEPLATFORMEN = "serviceplatformen"
    FORDELINGSKOMPONENT = "fordelingskomponent"
    DIGITAL_POST = "digital-post"

    @property
    def label(self) -> str:
        """The Danish name shown to users."""
        return COMPONENT_LABELS[self]


COMPONENT_LABELS: dict[InfrastructureComponent, str] = {
    InfrastructureComponent.ORGANISATION: "Organisation",
    InfrastructureComponent.KLASSIFIKATION: "Klassifikation",
    InfrastructureComponent.SAGS_OG_DOKUMENTINDEKS: "Sags- og dokumentindeks",
    InfrastructureComponent.YDELSESINDEKS: "Ydelsesindeks",
    InfrastructureComponent.BESKEDFORDELER: "Beskedfordeler",
    InfrastructureComponent.ADGANGSSTYRING: "Adgangsstyring",
    InfrastructureComponent.SERVICEPLATFORMEN: "Serviceplatformen",
    InfrastructureComponent.FORDELINGSKOMPONENT: "Fordelingskomponent",
    InfrastructureComponent.DIGITAL_POST: "Digital Post",
}

# Strict, so that a Danish "420.000" (which YAML reads as 420.0) is refused, not taken as 420.
# Bounded far above any municipal budget, so sums and charts stay ordinary numbers.
MAX_AMOUNT_DKK = 10**12
Amount = Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT_DKK)]

# KLE: main group, group, subject (NN.NN.NN), optionally a handling facet such as G01.
# [0-9], not \d: pydantic's regex engine lets \d match digits of every script.
KLE_PATTERN = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}(?:\s?[A-Z][0-9]{2})?$"
KLE_FORM = (
    "et KLE-nummer i anførselstegn på formen NN.NN.NN, evt. med handlingsfacet, fx '27.24.00' eller '27.24.00G01'"
)
Kle = Annotated[str, StringConstraints(pattern=KLE_PATTERN), form(KLE_FORM)]


class Person(StrictModel):
    """A named person with an e-mail address."""

    model_config = ConfigDict(title="Person")

    name: Text = Field(examples=["Mette Hansen"], title="Navn", description="Personens fulde navn.")
    email: Email = Field(examples=["mette.hansen@kommune.dk"], title="E-mail", description="Personens arbejds-e-mail.")


class CommonInitiative(StrictModel):
    """The joint initiative a common-municipal project belongs to."""

    model_config = ConfigDict(title="Fælleskommunalt initiativ")

    name: Text = Field(
        examples=["Den fælleskommunale infrastruktur"],
        title="Initiativ",
        description="Navnet på det fælleskommunale initiativ, fx 'Den fælleskommunale infrastruktur'.",
    )
    body: Text = Field(
        examples=["KOMBIT"],
        title="Ansvarlig organisation",
        description="Hvem står bag initiativet, fx KL, KOMBIT eller Digitaliseringsstyrelsen.",
    )
    url: Url = Field(
        examples=["https://www.kombit.dk/"], title="Link", description="Link til initiativets egen beskrivelse."
    )


class Signoff(StrictModel):
    """Who approved the project at start-up, and when."""

    model_config = ConfigDict(title="Godkendelse")

    name: Text = Field(examples=["Anne Jensen"], title="Navn", description="Hvem gav godkendelsen.")
    date: dt.date = Field(
        examples=["2025-12-01"], title="Dato", description="Hvornår godkendelsen blev givet (ÅÅÅÅ-MM-DD)."
    )
    reference: Text | None = Field(
        examples=["Konsekvensanalyse (DPIA) i sag 26.01.00-A00-12-26"],
        default=None,
        title="Reference",
        description="Henvisning til dokumentationen, fx konsekvensanalyse (DPIA), "
        "risikovurdering eller databehandleraftale, med sagsnummer.",
    )


class Signoffs(StrictModel):
    """The three start-up sign-offs the programme requires."""

    model_config = ConfigDict(title="Godkendelser")

    dpo: Signoff | None = Field(
        default=None,
        title="Databeskyttelsesrådgiver",
        description="Databeskyttelsesrådgiverens inddragelse i opstartsfasen.",
    )
    security: Signoff | None = Field(
        default=None,
        title="Informationssikkerhedskoordinator",
        description="Informationssikkerhedskoordinatorens inddragelse i opstartsfasen.",
    )
    it: Signoff | None = Field(
        default=None,
        title="IT og Digitalisering",
        description="IT og Digitaliserings inddragelse i opstartsfasen.",
    )


class Milestone(StrictModel):
    """A planned step in the project."""

    model_config = ConfigDict(title="Milepæl")

    title: Text = Field(examples=["Første version i drift"], title="Milepæl", description="Hvad skal være nået.")
    date: dt.date = Field(examples=["2026-09-30"], title="Dato", description="Planlagt dato (ÅÅÅÅ-MM-DD).")
    done: bool = Field(default=False, title="Nået", description="Sæt til true, når milepælen er nået.")


class Benefit(StrictModel):
    """One expected benefit of the business case (gevinst)."""

    model_config = ConfigDict(title="Gevinst")

    description: Text = Field(
        examples=["Kortere ventetid på svar for borgerne"],
        title="Gevinst",
        description="Hvad bliver bedre, og for hvem.",
    )
    amount_dkk_per_year: Amount | None = Field(
        examples=[420000],
        default=None,
        title="Beløb (kr. pr. år)",
        description="Forventet økonomisk gevinst i kroner pr. år. Udelades for en kvalitativ gevinst.",
    )
    owner: Text = Field(
        examples=["Leder af Borgerservice"],
        title="Gevinstejer",
        description="Hvem er ansvarlig for, at gevinsten bliver hentet.",
    )
    realisation_date: dt.date = Field(
        examples=["2027-06-30"],
        title="Realiseringsdato",
        description="Hvornår gevinsten skal være hentet (ÅÅÅÅ-MM-DD).",
    )
    realised_dkk_per_year: Amount | None = Field(
        default=None,
        title="Realiseret (kr. pr. år)",
        description="Den realiserede økonomiske gevinst i kroner pr. år, når den kendes.",
    )
    realised_note: Text | None = Field(
        default=None,
        title="Realiseret (beskrivelse)",
        description="Hvad der faktisk er opnået, især for en kvalitativ gevinst.",
    )

    @property
    def has_realised_value(self) -> bool:
        """True once a realised amount or description is recorded."""
        return self.realised_dkk_per_year is not None or self.realised_note is not None


class BusinessCase(StrictModel):
    """The business case with benefit realisation (gevinstrealisering)."""

    model_config = ConfigDict(title="Businesscase")

    reference: Text = Field(
        examples=["Businesscase i sag 26.01.00-G01-3-26"],
        title="Businesscase",
        description="Hvor businesscasen ligger, fx sagsnummer eller link.",
    )
    benefits: list[Benefit] = Field(
        min_length=1,
        title="Gevinster",
        description="De forventede gevinster med gevinstejer og realiseringsdato.",
    )


class ProjectModelGovernance(StrictModel):
    """The municipality's project model with a business case."""

    model_config = ConfigDict(title="Projektmodel med businesscase")

    model: Literal["project_model"] = Field(
        title="Styringsmodel", description="Kommunens projektmodel med businesscase."
    )
    business_case: BusinessCase | None = Field(
        default=None,
        title="Businesscase",
        description="Businesscase med gevinstrealisering. Påkrævet efter idéfasen.",
    )


class SmallProjectGovernance(StrictModel):
    """A declared small project run on an alternative model."""

    model_config = ConfigDict(title="Lille projekt på alternativ model")

    model: Literal["small_project"] = Field(
        title="Styringsmodel", description="Et lille projekt på en alternativ model."
    )
    reason: Text = Field(
        examples=["Et kort forsøg i én afdeling uden indkøb"],
        title="Begrundelse",
        description="Hvorfor projektet er så lille, at projektmodel og businesscase ikke er nødvendige.",
    )
    alternative_model: Text | None = Field(
        examples=["En enkel handleplan, som lederen følger op på hver måned"],
        default=None,
        title="Alternativ model",
        description="Hvordan projektet styres i stedet, fx en enkel handleplan.",
    )


Governance = Annotated[
    ProjectModelGovernance | SmallProjectGovernance,
    Field(discriminator="model"),
]


class FollowsInfrastructure(StrictModel):
    """The project follows the common-municipal infrastructure."""

    model_config = ConfigDict(title="Følger den fælleskommunale infrastruktur")

    follows: Literal[True] = Field(
        title="Følger infrastrukturen",
        description="true: projektet følger den fælleskommunale infrastruktur.",
    )
    components: list[InfrastructureComponent] = Field(
        examples=[["organisation", "adgangsstyring"]],
        default_factory=list,
        title="Komponenter",
        description="De komponenter i infrastrukturen, projektet bruger.",
    )
    note: Text | None = Field(default=None, title="Bemærkning", description="Uddybning.")


class InfrastructureDeviation(StrictModel):
    """The project deviates from the common-municipal infrastructure, with a reason."""

    model_config = ConfigDict(title="Afviger fra den fælleskommunale infrastruktur")

    follows: Literal[False] = Field(
        title="Følger infrastrukturen",
        description="false: projektet afviger fra den fælleskommunale infrastruktur.",
    )
    deviation: Text = Field(
        examples=["Leverandørens løsning bruger endnu ikke Beskedfordeleren; kravet stilles ved næste udbud"],
        title="Begrundelse for afvigelse",
        description="Hvorfor infrastrukturen ikke følges, og hvad der gøres i stedet.",
    )


Infrastructure = Annotated[
    FollowsInfrastructure | InfrastructureDeviation,
    Field(discriminator="follows"),
]


class Considerations(StrictModel):
    """How the project has thought about the programme's cross-cutting concerns."""

    model_config = ConfigDict(title="Overvejelser")

    citizens: Text | None = Field(
        examples=["Forældre har testet ansøgningen i en prototype, og deres ønsker er med i kravene."],
        default=None,
        title="Borgerinddragelse",
        description="Hvordan borgerne er tænkt ind tidligt, og om projektet kan samskabes med dem.",
    )
    coherence: Text | None = Field(
        examples=["Bruger MitID og kommunens eksisterende system til pladsanvisning; ingen ny løsning ved siden af."],
        default=None,
        title="Sammenhæng",
        description="Hvordan løsningen hænger sammen med andre digitale løsninger og brugernes forløb.",
    )
    climate: Text | None = Field(
        examples=["Færre breve og kørsel til møder; løsningen kører på kommunens eksisterende servere."],
        default=None,
        title="Klima og ressourcer",
        description="Projektets betydning for klima og ressourceforbrug.",
    )


class Link(StrictModel):
    """A link to more about the project."""

    model_config = ConfigDict(title="Link")

    title: Text = Field(examples=["Projektets side på intranettet"], title="Titel", description="Linkets tekst.")
    url: Url = Field(
        examples=["https://intranet.kommune.dk/projekter/pladsanvisning"],
        title="Adresse",
        description="Adressen, fx på intranettet.",
    )


class GrantedBy(StrEnum):
    """Who may let a project deviate from a rule for a while."""

    PROGRAMME_GROUP = "programme_group"
    STEERING_GROUP = "steering_group"

    @property
    def label(self) -> str:
        """The Danish name shown to users."""
        return "Programgruppen" if self is GrantedBy.PROGRAMME_GROUP else "Styregruppen"


RULE_CODE_FORM = "en regelkode i anførselstegn, fx 'HP104' (se Vejledning → Regler)"
RuleCode = Annotated[str, StringConstraints(pattern=RULE_CODE_PATTERN), form(RULE_CODE_FORM)]


class Dispensation(StrictModel):
    """The programme or steering group's acceptance that the project deviates from one rule for a while."""

    model_config = ConfigDict(title="Dispensation")

    rule: RuleCode = Field(
        examples=["HP104"],
        title="Regel",
        description="Koden på den regel, projektet må afvige fra, fx 'HP104'. CPR-reglen og reglerne om "
        "selve filen kan der ikke dispenseres fra.",
    )
    reason: Text = Field(
        examples=["Konsekvensanalysen (DPIA) er i gang; databeskyttelsesrådgiveren godkender, når den er færdig."],
        title="Begrundelse",
        description="Hvorfor afvigelsen er accepteret, og hvad der sker, før dispensationen udløber.",
    )
    granted_by: GrantedBy = Field(
        examples=["programme_group"],
        title="Givet af",
        description="Hvem gav dispensationen: programgruppen (programme_group) eller styregruppen (steering_group).",
    )
    granted_on: dt.date = Field(
        examples=["2026-10-01"], title="Givet den", description="Hvornår dispensationen blev givet (ÅÅÅÅ-MM-DD)."
    )
    expires: dt.date = Field(
        examples=["2027-03-31"],
        title="Udløber",
        description="Den sidste dag, dispensationen gælder (ÅÅÅÅ-MM-DD); højst 12 måneder efter, den blev givet, "
        "for en regel, der giver fejl. Derefter gælder reglen igen.",
    )

    def in_force(self, today: dt.date) -> bool:
        """True from the day it was granted to its last day."""
        return self.granted_on <= today <= self.expires


# --- Coordination across departments: the IT systems a project uses, and pairs reviewed as not related.
# KITOS (OS2's shared catalogue of the municipalities' IT systems) names each system by a UUID, as its
# API (v2) and its current interface at kitos.dk/ui do.
KITOS_UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
KITOS_UUID_FORM = (
    "et KITOS-id (UUID) i anførselstegn, som det står i adressen på systemets side i KITOS' "
    "IT-systemkatalog, fx '3f2a9c1e-8b4d-4e7a-9c2b-5d6e7f8a9b0c'"
)
KitosUuid = Annotated[str, StringConstraints(pattern=KITOS_UUID_PATTERN), form(KITOS_UUID_FORM)]
# A link is navigation, not a request: the intranet still loads nothing from kitos.dk.
KITOS_SYSTEM_URL = "https://kitos.dk/ui/it-systems/it-system-catalog/{uuid}"


class ItSystem(StrictModel):
    """An IT system the project uses or buys, with its supplier."""

    model_config = ConfigDict(title="IT-system")

    name: Text = Field(
        examples=["Nexus"],
        title="System",
        description="IT-systemets navn, som det står i KITOS eller i kontrakten, fx 'Nexus' eller 'Microsoft 365'.",
    )
    supplier: Text | None = Field(
        examples=["Systematic"],
        default=None,
        title="Leverandør",
        description="Leverandøren af systemet, fx 'Systematic' eller 'KMD'.",
    )
    kitos_uuid: KitosUuid | None = Field(
        examples=["3f2a9c1e-8b4d-4e7a-9c2b-5d6e7f8a9b0c"],
        default=None,
        title="KITOS-id",
        description="Systemets id (UUID) i KITOS, OS2's fælles IT-systemkatalog: det står sidst i adressen på "
        "systemets side i kataloget. Projektsiden linker til KITOS, og projekter, der bruger samme system, "
        "findes, selv om de staver navnet forskelligt.",
    )

    @property
    def kitos_url(self) -> str | None:
        """The system's page in KITOS' IT-system catalogue, when its id is known."""
        return KITOS_SYSTEM_URL.format(uuid=self.kitos_uuid.lower()) if self.kitos_uuid else None


class NotRelated(StrictModel):
    """Another project reviewed as not related, so coordination stops suggesting the pair."""

    model_config = ConfigDict(title="Ikke relateret projekt")

    project: Reference = Field(
        examples=["digital-hjaelp-til-borgere"],
        title="Projekt",
        description="Id på det andet projekt (filnavnet uden .yaml).",
    )
    reason: Text = Field(
        examples=["Samme KLE-nummer, men vi har talt sammen: projekterne har intet fælles ud over emnet."],
        title="Begrundelse",
        description="Hvorfor projekterne ikke har brug for at koordinere, selv om de deler noget.",
    )
    reviewed_by: Text | None = Field(
        examples=["Programgruppen"],
        default=None,
        title="Vurderet af",
        description="Hvem har vurderet, at projekterne ikke er relaterede, fx programgruppen eller de to "
        "projektledere.",
    )


class Project(StrictModel):
    """One digitalisation project in the action plan."""

    model_config = ConfigDict(title="Projekt i handleplanen")

    title: Text = Field(
        examples=["Digital pladsanvisning"], title="Titel", description="Projektets navn, som det vises i handleplanen."
    )
    summary: LongText = Field(
        examples=["Forældre søger og får tilbudt plads i dagtilbud digitalt, så færre henvendelser går via telefon."],
        title="Resumé",
        description="Kort beskrivelse af projektet: formål, indhold og målgruppe. Markdown er tilladt.",
    )
    status: Status = Field(
        examples=["idea"],
        title="Status",
        description="Hvor projektet er i sit forløb, fra idé over opstart og gennemførelse til drift og "
        "gevinstrealisering; eller afsluttet, sat i bero eller stoppet.",
    )
    focus_areas: list[Reference] = Field(
        title="Fokusområder",
        description="Et eller flere af programmets fokusområder (id fra focus_areas.yaml).",
    )
    earlier_focus_areas: dict[Slug, list[Reference]] = Field(
        default_factory=dict,
        title="Fokusområder i tidligere programmer",
        description="For et projekt, der er flyttet til et nyt program: de fokusområder, det havde i hvert tidligere "
        "program (program-id → fokusområder). 'handleplan migrate' skriver dem, så arkivet bevarer dem.",
        examples=[{"digitaliseringsprogram-2021-2025": ["data-styring"]}],
    )
    scope: Scope = Field(
        examples=["local"],
        title="Omfang",
        description="Om projektet er besluttet i kommunen (local) eller i fællesskab for alle kommuner (common).",
    )
    common_initiative: CommonInitiative | None = Field(
        default=None,
        title="Fælleskommunalt initiativ",
        description="Det fælleskommunale initiativ, et fælleskommunalt projekt hører til.",
    )
    anchoring: Reference = Field(
        title="Forankring",
        description="Hvor projektet er forankret: det centrale digitaliseringsteam eller et fagområde "
        "(id fra focus_areas.yaml).",
    )
    owner: Person = Field(title="Projektejer", description="Projektejeren.")
    lead: Person = Field(title="Projektleder", description="Projektlederen.")
    start: dt.date | None = Field(
        examples=["2026-01-01"], default=None, title="Start", description="Planlagt startdato (ÅÅÅÅ-MM-DD)."
    )
    end: dt.date | None = Field(
        examples=["2026-12-31"], default=None, title="Slut", description="Planlagt slutdato (ÅÅÅÅ-MM-DD)."
    )
    milestones: list[Milestone] = Field(
        default_factory=list, title="Milepæle", description="Projektets planlagte milepæle."
    )
    signoffs: Signoffs = Field(
        default_factory=Signoffs,
        title="Godkendelser",
        description="Databeskyttelsesrådgiver, informationssikkerhedskoordinator og IT og Digitalisering "
        "skal inddrages i opstartsfasen.",
    )
    governance: Governance | None = Field(
        default=None,
        title="Styring",
        description="Projektmodel med businesscase og gevinstrealisering, eller et lille projekt på en "
        "alternativ model med begrundelse.",
    )
    infrastructure: Infrastructure | None = Field(
        default=None,
        title="Fælleskommunal infrastruktur",
        description="Om projektet følger den fælleskommunale infrastruktur, eller en begrundet afvigelse.",
    )
    considerations: Considerations = Field(
        default_factory=Considerations,
        title="Overvejelser",
        description="Borgerinddragelse, sammenhæng og klima.",
    )
    related: list[Reference] = Field(
        examples=[["ny-borgerportal"]],
        default_factory=list,
        title="Relaterede projekter",
        description="Id'er på relaterede projekter (filnavnet uden .yaml).",
    )
    kle: list[Kle] = Field(
        examples=[["27.24.00", "27.24.00G01"]],
        default_factory=list,
        title="KLE-numre",
        description="KLE-numre, som projektets data opmærkes med (NN.NN.NN, evt. med handlingsfacet som G01).",
    )
    systems: list[ItSystem] = Field(
        default_factory=list,
        title="IT-systemer",
        description="De IT-systemer, projektet bruger eller køber, med leverandør og evt. id i KITOS. Siden "
        "Koordinering viser projekter i andre fagområder, der bruger de samme systemer eller leverandører.",
    )
    not_related: list[NotRelated] = Field(
        default_factory=list,
        title="Ikke relaterede projekter",
        description="Projekter, som siden Koordinering foreslog at koordinere med, men som er vurderet ikke "
        "at være relaterede. Parret foreslås så ikke igen (det er nok, at det ene projekt nævner det andet).",
    )
    links: list[Link] = Field(default_factory=list, title="Links", description="Links til mere om projektet.")
    dispensations: list[Dispensation] = Field(
        default_factory=list,
        title="Dispensationer",
        description="Regler, programgruppen eller styregruppen har accepteret, at projektet afviger fra i en "
        "periode. Mens en dispensation gælder, vises fundet som dispenseret og består.",
    )
