"""The official MLflow client against a pixal server (MLFLOW_TRACKING_URI): log a model folder as
artifacts, register it, promote it by alias and stage, download it through `models:/name@alias`,
then print what it saw as one JSON line for the calling test to check."""

import filecmp
import json
import os
import tempfile
import warnings

import mlflow
from mlflow import MlflowClient

warnings.simplefilter("ignore")  # stage transitions are deprecated, still served

mlflow.set_experiment("pixal-roundtrip")
src = tempfile.mkdtemp()
with open(os.path.join(src, "MLmodel"), "w") as fh:
    fh.write("flavors: {}\n")
with open(os.path.join(src, "weights.bin"), "wb") as fh:
    fh.write(bytes(range(256)) * 4000)
with mlflow.start_run() as run:
    mlflow.log_artifacts(src, artifact_path="model")
    mlflow.log_text("loss went down", "notes/summary.txt")
run_id = run.info.run_id

client = MlflowClient()
mv = mlflow.register_model(f"runs:/{run_id}/model", "flex-ae")
client.set_registered_model_alias("flex-ae", "production", mv.version)
client.transition_model_version_stage("flex-ae", mv.version, "Staging")
by_alias = client.get_model_version_by_alias("flex-ae", "production")
local = mlflow.artifacts.download_artifacts(artifact_uri="models:/flex-ae@production", dst_path=tempfile.mkdtemp())
same = all(filecmp.cmp(os.path.join(src, n), os.path.join(local, n), shallow=False) for n in ("MLmodel", "weights.bin"))
listed = sorted(f.path for f in mlflow.artifacts.list_artifacts(artifact_uri=run.info.artifact_uri + "/model"))
with open(client.download_artifacts(run_id, "notes/summary.txt", tempfile.mkdtemp())) as fh:
    text = fh.read()
client.delete_registered_model_alias("flex-ae", "production")
print(
    json.dumps({
        "run_id": run_id,
        "source": mv.source,
        "version": mv.version,
        "alias_version": by_alias.version,
        "aliases": list(by_alias.aliases),
        "stage": by_alias.current_stage,
        "download_uri": client.get_model_version_download_uri("flex-ae", mv.version),
        "same_bytes": same,
        "listed": listed,
        "text": text,
        "found": [v.version for v in client.search_model_versions("name='flex-ae'")],
        "models": [m.name for m in client.search_registered_models()],
    })
)
