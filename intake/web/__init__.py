"""HTTP: health, the citizen API, the staff API. The request is the unit of work: a
successful response commits once; an error rolls back (nothing half-written)."""

from __future__ import annotations

from flask import Flask, Response, jsonify

from intake.db import db


def init_web(app: Flask) -> None:
    from intake.web import auth, errors, public_api, staff_api

    errors.init_app(app)
    auth.init_app(app)
    app.register_blueprint(public_api.bp)
    app.register_blueprint(staff_api.bp)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.after_request
    def _commit(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response
