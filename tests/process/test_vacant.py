"""A vacant post (N.n.) as the seed and the office write it: one rule for the seed reader and for the
contacts typed at the terminal."""

from __future__ import annotations

import pytest

from lipctl.errors import InvalidInput
from lipctl.process import contacts
from lipctl.process.names import is_vacant


@pytest.mark.parametrize("name", ["N.n.", "n.n.", "NN", "nn", "N. N.", "n. n."])
def test_the_spellings_of_a_vacant_post(name: str) -> None:
    assert is_vacant(name)


@pytest.mark.parametrize("name", ["Nina Neumann", "N.", "Nn Nn", "", "N.n.n."])
def test_names_that_are_people(name: str) -> None:
    assert not is_vacant(name)


def test_a_contact_typed_as_nn_is_refused_with_the_option_for_a_vacant_post() -> None:
    with pytest.raises(InvalidInput) as caught:
        contacts.field_edit(contact="N. n.")
    assert (caught.value.message, caught.value.hint) == (
        "--contact 'N. n.' names nobody",
        "use --vacant for a vacant post (N.n.)",
    )
