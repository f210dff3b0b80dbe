"""Amounts of money: any number within ±1e12 (``Number``) in, rounded to cents (half up) as stored."""

from typing import Annotated

from pydantic import AfterValidator

from mockcasa.models.common import Number
from mockcasa.resources._util import money

Money = Annotated[Number, AfterValidator(money)]
