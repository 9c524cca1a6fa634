"""Answers, for each JSON line on stdin, whether MLflow's own tracking/registry SQL stores accept a
search filter or order_by clause. Used by the differential test of server/search.

Input lines:  {"kind": "run"|"experiment"|"registered_model"|"model_version",
               "filter": str}  or  {"kind": ..., "order_by": str}
Output lines: {"ok": bool, "error": null | "<exception class>: <message>", "mlflow_error": bool,
               "parsed": what MLflow understood, in server/search/ast.ts's shape (numbers as repr strings)}

Acceptance means: MLflow's parser accepts the string AND the SQL store's clause builder accepts the
parsed form (that is where MLflow checks comparators per entity), exactly as a real MLflow server
would decide before touching any row. No query is executed, so no tables are needed.
"""

import json
import sys
import warnings

import sqlalchemy
from sqlalchemy.orm import Session

from mlflow.exceptions import MlflowException
from mlflow.store.model_registry.sqlalchemy_store import SqlAlchemyStore as RegistryStore
from mlflow.store.tracking import sqlalchemy_store as tracking
from mlflow.utils.search_utils import (
    SearchExperimentsUtils,
    SearchModelUtils,
    SearchModelVersionUtils,
    SearchUtils,
)

warnings.simplefilter("ignore")  # ast.literal_eval warns on odd escapes; irrelevant here

DIALECT = "sqlite"
session = Session(sqlalchemy.create_engine("sqlite://"))
# The registry clause builders are instance methods that only read the active workspace.
registry = RegistryStore.__new__(RegistryStore)


TYPE_NAMES = {"parameter": "param"}


def number(value):
    return repr(float(value)) if isinstance(value, float) else str(value)


def normalise(kind, comparison):
    """MLflow's parsed comparison in our AST's shape, with the conversions its stores apply."""
    entity = TYPE_NAMES.get(comparison["type"], comparison["type"])
    key = comparison["key"]
    op = comparison["comparator"].upper()
    value = comparison["value"]
    if kind == "run" and entity == "attribute":
        key = SearchUtils.translate_key_alias(key)
    if value is None:
        value = ""
    elif isinstance(value, tuple):
        value = list(value)
    if entity == "metric":
        value = number(float(value))
    elif kind == "experiment" and key == "experiment_id":
        value = [str(int(v)) for v in value] if isinstance(value, list) else str(int(value))
    elif (kind == "experiment" and key in ("creation_time", "last_update_time")) or (
        kind == "model_version" and key == "version_number"
    ):
        value = str(int(value))
    elif isinstance(value, (int, float)):
        value = number(value)
    return {"type": entity, "key": key, "op": op, "value": value}


def check_filter(kind, text):
    if kind == "run":
        parsed = SearchUtils.parse_search_filter(text)
        tracking._get_sqlalchemy_filter_clauses(parsed, session, DIALECT)
    elif kind == "experiment":
        parsed = SearchExperimentsUtils.parse_search_filter(text)
        tracking._get_search_experiments_filter_clauses(parsed, DIALECT)
    elif kind == "registered_model":
        parsed = SearchModelUtils.parse_search_filter(text)
        registry._get_search_registered_model_filter_query(session, parsed, DIALECT)
    elif kind == "model_version":
        parsed = SearchModelVersionUtils.parse_search_filter(text)
        registry._get_search_model_versions_filter_clauses(parsed, DIALECT)
    else:
        raise ValueError(kind)
    return [normalise(kind, comparison) for comparison in parsed]


def check_order_by(kind, text):
    if kind == "run":
        tracking._get_orderby_clauses([text], session)
        entity, key, ascending = SearchUtils.parse_order_by_for_search_runs(text)
        key = SearchUtils.translate_key_alias(key) if entity == "attribute" else key
    elif kind == "experiment":
        tracking._get_search_experiments_order_by_clauses([text])
        entity, key, ascending = SearchExperimentsUtils.parse_order_by_for_search_experiments(text)
    elif kind == "registered_model":
        RegistryStore._parse_search_registered_models_order_by([text])
        key, ascending = SearchUtils.parse_order_by_for_search_registered_models(text)
        entity, key = "attribute", ("name" if key == "name" else "last_updated_timestamp")
    elif kind == "model_version":
        RegistryStore._parse_search_model_versions_order_by([text])
        entity, key, ascending = SearchModelVersionUtils.parse_order_by_for_search_model_versions(text)
    else:
        raise ValueError(kind)
    return {"type": TYPE_NAMES.get(entity, entity), "key": key, "ascending": ascending}


def answer(request):
    try:
        if "order_by" in request:
            parsed = check_order_by(request["kind"], request["order_by"])
        else:
            parsed = check_filter(request["kind"], request["filter"])
        return {"ok": True, "error": None, "mlflow_error": False, "parsed": parsed}
    except MlflowException as e:
        return {"ok": False, "error": f"MlflowException: {e.message}", "mlflow_error": True}
    except Exception as e:  # MLflow itself would answer 500 here
        return {"ok": False, "error": f"{type(e).__name__}: {e}", "mlflow_error": False}


for line in sys.stdin:
    if line.strip():
        print(json.dumps(answer(json.loads(line))))
