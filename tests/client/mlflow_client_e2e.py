"""End-to-end run of the official MLflow Python client against the server at MLFLOW_TRACKING_URI.

Exercises what a training script and a model consumer do: experiments, runs, params, metrics with
steps, tags, artifacts (nested directories, listing, download), run search with filters, ordering
and paging, delete/restore, the model registry with an alias, and loading `models:/name@alias`.
Every expectation is an assert; the exit status is 0 only when all of them hold.
"""

import filecmp
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException


def step(message: str) -> None:
    print(f"[client-e2e] {message}", flush=True)


def write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def same_tree(left: Path, right: Path) -> bool:
    """True when two directory trees hold the same relative files with the same bytes.

    The client writes `registered_model_meta` beside a model it downloads through `models:/`.
    """
    files = lambda root: sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() and p.name != "registered_model_meta")
    if files(left) != files(right):
        return False
    return all(filecmp.cmp(left / rel, right / rel, shallow=False) for rel in files(left))


def main() -> None:
    assert os.environ.get("MLFLOW_TRACKING_URI"), "MLFLOW_TRACKING_URI must point at the server"
    client = MlflowClient()
    suffix = uuid.uuid4().hex[:8]
    work = Path(tempfile.mkdtemp(prefix="client-e2e-"))
    try:
        exercise(client, suffix, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def exercise(client: MlflowClient, suffix: str, work: Path) -> None:

    step("experiments: set_experiment creates, get_experiment_by_name finds")
    experiment = mlflow.set_experiment(f"client-e2e-{suffix}")
    assert experiment.name == f"client-e2e-{suffix}"
    assert experiment.lifecycle_stage == "active"
    assert client.get_experiment_by_name(experiment.name).experiment_id == experiment.experiment_id
    assert client.get_experiment_by_name(f"absent-{suffix}") is None
    assert mlflow.set_experiment(experiment.name).experiment_id == experiment.experiment_id

    step("runs: params, metrics with steps, tags, artifacts")
    model_dir = write(work / "model" / "MLmodel", b"artifact_path: model\nflavors:\n  pixal: {}\n").parent
    write(model_dir / "data" / "weights.bin", bytes(range(256)) * 16)
    write(model_dir / "data" / "nested" / "deeper" / "config.json", b'{"channels": "HSV"}')
    plots = work / "plots"
    write(plots / "loss.png", b"\x89PNG\r\n\x1a\n fake")
    write(plots / "val" / "roc.txt", b"auc 0.93\n")
    report = write(work / "report.txt", "résumé ✓\n".encode())

    run_ids = []
    for index, (lr, pool, losses) in enumerate([("0.01", "2", [0.9, 0.5, 0.3]), ("0.1", "4", [0.8, 0.6, 0.55]), ("0.001", "2", [1.0, 0.7, 0.2])]):
        with mlflow.start_run(run_name=f"train-{index}") as run:
            run_ids.append(run.info.run_id)
            mlflow.log_param("lr", lr)
            mlflow.log_params({"pool": pool, "channels": "HSV", "empty": ""})
            for epoch, loss in enumerate(losses):
                mlflow.log_metric("loss", loss, step=epoch)
                mlflow.log_metrics({"acc": 1 - loss, "epoch_time": 1.5 + epoch}, step=epoch)
            mlflow.set_tag("stage", "train")
            mlflow.set_tags({"component": "flex", "drop-me": "x"})
            if index == 0:
                mlflow.log_artifacts(str(model_dir), artifact_path="model")
                mlflow.log_artifacts(str(plots), artifact_path="plots")
                mlflow.log_artifact(str(report))
                mlflow.log_dict({"k": [1, 2]}, "meta/info.json")
                mlflow.log_text("hello", "meta/hello.txt")
    best_id = run_ids[0]

    run = client.get_run(best_id)
    assert run.info.status == "FINISHED", run.info.status
    assert run.info.end_time is not None and run.info.end_time >= run.info.start_time
    assert run.info.run_name == "train-0"
    assert run.data.params == {"lr": "0.01", "pool": "2", "channels": "HSV", "empty": ""}, run.data.params
    assert run.data.metrics["loss"] == 0.3, run.data.metrics
    assert abs(run.data.metrics["acc"] - 0.7) < 1e-12
    assert run.data.tags["stage"] == "train" and run.data.tags["mlflow.runName"] == "train-0"
    history = client.get_metric_history(best_id, "loss")
    assert [(m.step, m.value) for m in history] == [(0, 0.9), (1, 0.5), (2, 0.3)], history
    assert client.get_metric_history(best_id, "never-logged") == []

    step("params are immutable")
    try:
        client.log_param(best_id, "lr", "0.5")
        raise AssertionError("changing a param must fail")
    except MlflowException as err:
        assert err.error_code == "INVALID_PARAMETER_VALUE", err.error_code
    client.log_param(best_id, "lr", "0.01")

    step("log_batch through the client")
    now = int(time.time() * 1000)
    client.log_batch(
        best_id,
        metrics=[Metric("batch_metric", float(i), now + i, i) for i in range(50)],
        params=[Param("batch_param", "yes")],
        tags=[RunTag("batch_tag", "yes")],
    )
    assert len(client.get_metric_history(best_id, "batch_metric")) == 50

    step("artifacts: list at every level and download")
    top = {f.path: f.is_dir for f in client.list_artifacts(best_id)}
    assert top == {"model": True, "plots": True, "report.txt": False, "meta": True}, top
    assert {f.path for f in client.list_artifacts(best_id, "model")} == {"model/MLmodel", "model/data"}
    deep = client.list_artifacts(best_id, "model/data/nested/deeper")
    assert [(f.path, f.file_size) for f in deep] == [("model/data/nested/deeper/config.json", 19)], deep
    downloaded = Path(mlflow.artifacts.download_artifacts(run_id=best_id, artifact_path="model", dst_path=str(work / "dl-model")))
    assert same_tree(model_dir, downloaded), "downloaded model tree differs"
    whole = Path(mlflow.artifacts.download_artifacts(run_id=best_id, dst_path=str(work / "dl-all")))
    assert same_tree(plots, whole / "plots")
    assert (whole / "report.txt").read_bytes() == report.read_bytes()
    assert mlflow.artifacts.load_text(f"runs:/{best_id}/meta/hello.txt") == "hello"
    assert mlflow.artifacts.load_dict(f"runs:/{best_id}/meta/info.json") == {"k": [1, 2]}

    step("search_runs: filters, order_by, paging")
    exp_ids = [experiment.experiment_id]
    found = client.search_runs(exp_ids, "params.pool = '2' and metrics.loss < 0.5", order_by=["metrics.loss ASC"])
    assert [r.info.run_id for r in found] == [run_ids[2], run_ids[0]], [r.info.run_name for r in found]
    by_lr = client.search_runs(exp_ids, "", order_by=["params.lr DESC"])
    assert [r.data.params["lr"] for r in by_lr] == ["0.1", "0.01", "0.001"]
    assert [r.info.run_name for r in client.search_runs(exp_ids, "attributes.run_name LIKE 'train-%'", order_by=["attributes.start_time ASC"])] == ["train-0", "train-1", "train-2"]
    page1 = client.search_runs(exp_ids, "", order_by=["metrics.loss DESC"], max_results=2)
    assert len(page1) == 2 and page1.token, page1.token
    page2 = client.search_runs(exp_ids, "", order_by=["metrics.loss DESC"], max_results=2, page_token=page1.token)
    assert len(page2) == 1 and not page2.token
    assert [r.info.run_id for r in [*page1, *page2]] == [run_ids[1], run_ids[0], run_ids[2]]
    frame = mlflow.search_runs(experiment_ids=exp_ids, filter_string="tags.component = 'flex'")
    assert len(frame) == 3 and set(frame["run_id"]) == set(run_ids)

    step("tags: set and delete")
    client.set_tag(best_id, "reviewed", "yes")
    client.delete_tag(best_id, "drop-me")
    tags = client.get_run(best_id).data.tags
    assert tags["reviewed"] == "yes" and "drop-me" not in tags

    step("delete and restore a run")
    client.delete_run(run_ids[1])
    assert client.get_run(run_ids[1]).info.lifecycle_stage == "deleted"
    assert {r.info.run_id for r in client.search_runs(exp_ids)} == {run_ids[0], run_ids[2]}
    assert [r.info.run_id for r in client.search_runs(exp_ids, run_view_type=ViewType.DELETED_ONLY)] == [run_ids[1]]
    client.restore_run(run_ids[1])
    assert len(client.search_runs(exp_ids)) == 3

    step("delete, restore and rename an experiment")
    scratch = client.create_experiment(f"client-e2e-scratch-{suffix}", tags={"purpose": "scratch"})
    client.set_experiment_tag(scratch, "note", "temporary")
    assert client.get_experiment(scratch).tags == {"purpose": "scratch", "note": "temporary"}
    client.delete_experiment(scratch)
    assert client.get_experiment(scratch).lifecycle_stage == "deleted"
    deleted_names = [e.name for e in client.search_experiments(view_type=ViewType.DELETED_ONLY, filter_string=f"name LIKE '%{suffix}'")]
    assert deleted_names == [f"client-e2e-scratch-{suffix}"], deleted_names
    client.restore_experiment(scratch)
    client.rename_experiment(scratch, f"client-e2e-renamed-{suffix}")
    assert client.get_experiment(scratch).name == f"client-e2e-renamed-{suffix}"
    assert client.get_experiment(scratch).lifecycle_stage == "active"

    step("registry: register runs:/<id>/model, alias, load models:/name@alias")
    name = f"flex-ae-{suffix}"
    client.create_registered_model(name, tags={"component": "flex"}, description="flex autoencoder")
    version = client.create_model_version(name, f"runs:/{best_id}/model", run_id=best_id)
    assert version.version == "1", version.version
    assert version.current_stage == "None"
    second = client.create_model_version(name, f"runs:/{run_ids[2]}/model", run_id=run_ids[2])
    assert second.version == "2"
    client.set_registered_model_alias(name, "production", "1")
    assert client.get_model_version_by_alias(name, "production").version == "1"
    assert client.get_registered_model(name).aliases == {"production": "1"}
    loaded = Path(mlflow.artifacts.download_artifacts(f"models:/{name}@production", dst_path=str(work / "by-alias")))
    assert same_tree(model_dir, loaded), "models:/name@production differs from the logged model"
    by_version = Path(mlflow.artifacts.download_artifacts(f"models:/{name}/1", dst_path=str(work / "by-version")))
    assert same_tree(model_dir, by_version)
    client.set_model_version_tag(name, "1", "validated", "yes")
    assert client.get_model_version(name, "1").tags == {"validated": "yes"}
    listed = client.search_model_versions(f"name = '{name}'")
    assert sorted(v.version for v in listed) == ["1", "2"]
    client.delete_registered_model_alias(name, "production")
    assert client.get_registered_model(name).aliases == {}

    step("all checks passed")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as err:
        print(f"[client-e2e] FAILED: {err}", file=sys.stderr, flush=True)
        raise
