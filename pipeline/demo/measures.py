"""Synthetic service-access and language-access measures for the 169 towns."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.demo.towns import DESIGN_EFFECT, SAMPLE_FRACTION, YEARS, Z90

SOURCE = "Synthetic demo data modelled on {}; not real figures."
# measure_id, domain, label, unit, direction, description, modelled on
MEASURES: tuple[tuple[str, ...], ...] = (
    ("broadband", "service_access", "Households with broadband", "percent", "higher_is_better",
     "Percent of households with a broadband internet subscription (survey estimate with 90 % MOE).",
     "ACS table S2801"),
    ("lep_served_in_language", "language_access", "LEP contacts served in their language", "percent",
     "higher_is_better",
     "Percent of state-service contacts by limited-English-proficient residents served in their language.",
     "agency language-access logs"),
    ("office_distance", "service_access", "Travel time to a state service office", "minutes",
     "lower_is_better", "Average drive time in minutes from the town's residents to the nearest DSS office.",
     "DSS field-office locations and road network travel times"),
    ("snap_participation", "service_access", "SNAP participation among eligible residents", "percent",
     "higher_is_better", "SNAP participants as a percent of residents estimated to be eligible.",
     "DSS enrolment and eligibility estimates"),
    ("transit_access", "service_access", "Residents near fixed-route transit", "percent", "higher_is_better",
     "Percent of residents living within 1/2 mile of a fixed-route bus or rail stop.",
     "CTtransit and CTrail stop locations"),
    ("uninsured", "service_access", "Residents without health insurance", "percent", "lower_is_better",
     "Percent of residents without health insurance coverage (survey estimate with 90 % MOE).",
     "ACS table S2701"),
    ("vital_docs_language", "language_access", "Vital documents in the main non-English language", "percent",
     "higher_is_better",
     "Percent of 40 vital state documents available in the town's most common non-English language.",
     "agency translation inventories"),
    ("wic_participation", "service_access", "WIC participation among eligible residents", "percent",
     "higher_is_better", "WIC participants as a percent of women, infants and children estimated eligible.",
     "DPH WIC enrolment and eligibility estimates"),
)
MEASURE_COLUMNS = ("measure_id", "domain", "label", "unit", "direction", "description", "source", "label_es",
                   "description_es")
# measure_id: (label_es, description_es), the Spanish that Spanish pages show (DESIGN §2)
SPANISH: dict[str, tuple[str, str]] = {
    "broadband": ("Hogares con banda ancha",
                  "Porcentaje de hogares con suscripción a internet de banda ancha (estimación de encuesta, "
                  "con su margen de error al 90 % de confianza)."),
    "lep_served_in_language": (
        "Contactos con personas de inglés limitado atendidos en su idioma",
        "Porcentaje de los contactos de residentes con dominio limitado del inglés con los servicios del "
        "estado que se atendieron en su idioma."),
    "office_distance": ("Tiempo de viaje a una oficina de servicios del estado",
                        "Tiempo promedio en automóvil, en minutos, desde donde viven los residentes del "
                        "municipio hasta la oficina del DSS más cercana."),
    "snap_participation": ("Participación en SNAP entre los residentes elegibles",
                           "Participantes de SNAP (asistencia para comprar alimentos) como porcentaje de los "
                           "residentes que se estima que reúnen los requisitos."),
    "transit_access": ("Residentes cerca del transporte público de ruta fija",
                       "Porcentaje de residentes que viven a menos de media milla de una parada de autobús o "
                       "tren de ruta fija."),
    "uninsured": ("Residentes sin seguro médico",
                  "Porcentaje de residentes sin cobertura de seguro médico (estimación de encuesta, con su "
                  "margen de error al 90 % de confianza)."),
    "vital_docs_language": ("Documentos esenciales en el principal idioma que no es el inglés",
                            "Porcentaje de 40 documentos esenciales del estado disponibles en el idioma distinto "
                            "del inglés más hablado en el municipio."),
    "wic_participation": ("Participación en WIC entre los residentes elegibles",
                          "Participantes de WIC como porcentaje de las mujeres, los bebés y los niños que se "
                          "estima que reúnen los requisitos."),
}
OFFICE_TOWNS = ("Bridgeport", "Danbury", "Hartford", "Manchester", "Middletown", "New Britain", "New Haven",
                "Norwich", "Stamford", "Torrington", "Waterbury", "Windham")
RURAL_REGIONS = ("09130", "09150", "09160")
OFFICE_MINUTES = {"09110": 15, "09120": 14, "09130": 22, "09140": 15, "09150": 28, "09160": 30,
                  "09170": 15, "09180": 20, "09190": 16}
CONSOLIDATED_REGIONS = ("09150", "09160")  # offices merged in 2021: longer trips from then on
VITAL_DOCUMENTS = 40


def measures_frame() -> pd.DataFrame:
    """The measure definitions (measures.csv)."""
    rows = [(*m[:6], SOURCE.format(m[6]), *SPANISH[m[0]]) for m in MEASURES]
    return pd.DataFrame(rows, columns=list(MEASURE_COLUMNS))


def _features(profile: pd.DataFrame, town_names: pd.Series, rng: np.random.Generator) -> dict[str, np.ndarray]:
    n = len(profile)
    region = profile["region_id"].to_numpy()
    rural = np.isin(region, RURAL_REGIONS) & ~profile["city"].to_numpy()
    office = town_names.isin(list(OFFICE_TOWNS)).to_numpy()
    minutes = np.array([OFFICE_MINUTES[r] for r in region]) * rng.lognormal(0, 0.3, n)
    transit = np.where(profile["city"], rng.uniform(85, 99, n),
                       np.where(rural, np.where(rng.random(n) < 0.6, 0.0, rng.uniform(1, 15, n)),
                                np.clip(rng.lognormal(np.log(35), 0.5, n), 2, 90)))
    return {
        "need": (0.6 * profile["hispanic"] + 0.5 * profile["black"]).to_numpy(),
        "city": profile["city"].to_numpy().astype(float),
        "rural": rural.astype(float),
        "population": profile["population"].to_numpy(float),
        "lep": (profile["population"] * profile["lep"]).to_numpy(),
        "office_minutes": np.where(office, rng.uniform(5, 10, n), minutes),
        "consolidated": np.isin(region, CONSOLIDATED_REGIONS) & ~office,
        "capitol_suburb": (region == "09110") & ~profile["city"].to_numpy(),
        "transit": transit,
        "spanish_top": (profile["hispanic"].to_numpy() > 0.06) & (rng.random(n) < 0.85),
        "town_noise": rng.normal(0, 1, (4, n)),
    }


Columns = dict[str, np.ndarray]


def _survey(rng: np.random.Generator, share: np.ndarray, people: np.ndarray, floor: float) -> Columns:
    """A sampled percent and its 90 % MOE for a true share among `people`."""
    se = np.sqrt(np.clip(share * (1 - share), 1e-6, None) * DESIGN_EFFECT / (people * SAMPLE_FRACTION))
    estimate = np.clip(share + rng.normal(0, se), floor, 0.995)
    return {"value": np.round(100 * estimate, 1), "moe": np.round(100 * Z90 * se, 1)}


def _ratio(rng: np.random.Generator, eligible: np.ndarray, rate: np.ndarray) -> Columns:
    """A percent from whole-number counts: numerator drawn among the eligible denominator."""
    denominator = np.maximum(np.rint(eligible), 1).astype(np.int64)
    numerator = rng.binomial(denominator, np.clip(rate, 0.01, 0.99))
    return {"value": np.round(100 * numerator / denominator, 1), "numerator": numerator,
            "denominator": denominator}


def _year_values(f: dict[str, np.ndarray], step: int, rng: np.random.Generator) -> dict[str, Columns]:
    noise, n = f["town_noise"], len(f["need"])
    pandemic = 1.0 if step in (1, 2) else 0.0
    broadband = np.clip(0.88 - 0.25 * f["need"] - 0.03 * f["rural"] + 0.015 * noise[0] + 0.008 * step, 0.5, 0.985)
    uninsured = np.clip(0.025 + 0.22 * f["need"] + 0.005 * noise[1] - 0.001 * step - 0.005 * pandemic, 0.004, 0.5)
    snap = 0.72 + 0.15 * f["city"] - 0.10 * f["rural"] + 0.04 * noise[2] + 0.01 * step + 0.04 * pandemic
    wic = 0.50 + 0.10 * f["city"] - 0.10 * f["rural"] + 0.05 * noise[3] - 0.005 * step
    minutes = f["office_minutes"] + 6.0 * (f["consolidated"] & (step >= 2)) + rng.normal(0, 0.4, n)
    transit = np.minimum(f["transit"] + 5.0 * (f["capitol_suburb"] & (step >= 4)), 100.0)
    docs = np.where(f["spanish_top"], 0.85 + 0.02 * step, 0.35 + 0.05 * step)
    served = 0.70 + 0.15 * f["spanish_top"] + 0.025 * step
    return {
        "broadband": _survey(rng, broadband, f["population"] / 2.5, 0.3),
        "lep_served_in_language": _ratio(rng, 1 + rng.poisson(0.25 * f["lep"]), served),
        "office_distance": {"value": np.round(np.maximum(minutes, 3.0), 1)},
        "snap_participation": _ratio(rng, f["population"] * (0.03 + 0.45 * f["need"]), snap),
        "transit_access": {"value": np.round(transit, 1)},
        "uninsured": _survey(rng, uninsured, f["population"], 0.002),
        "vital_docs_language": _ratio(rng, np.full(n, VITAL_DOCUMENTS), docs),
        "wic_participation": _ratio(rng, f["population"] * (0.004 + 0.04 * f["need"]), wic),
    }


def town_measures_frame(profile: pd.DataFrame, town_names: pd.Series, rng: np.random.Generator) -> pd.DataFrame:
    """Year × town × measure rows: value, numerator, denominator, moe (blank where not applicable)."""
    features = _features(profile, town_names, rng)
    geoids = profile["town_geoid"].to_numpy()
    frames = []
    for step, year in enumerate(YEARS):
        for measure_id, columns in _year_values(features, step, rng).items():
            blank = np.full(len(geoids), np.nan)
            frames.append(pd.DataFrame({
                "year": year, "town_geoid": geoids, "measure_id": measure_id, "value": columns["value"],
                "numerator": pd.array(columns.get("numerator", blank), dtype="Int64"),
                "denominator": pd.array(columns.get("denominator", blank), dtype="Int64"),
                "moe": columns.get("moe", blank),
            }))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["year", "town_geoid", "measure_id"], kind="stable", ignore_index=True)
