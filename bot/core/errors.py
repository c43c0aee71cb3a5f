"""Domain errors whose message is written for the person who caused them."""


class UserFacingError(Exception):
    """Shown to the user as it is (ephemeral reply, modal field error or CLI line)."""


class NotYourSurvey(UserFacingError):
    def __init__(self) -> None:
        super().__init__("This survey was sent to someone else, so your click was not counted.")


class SurveyClosed(UserFacingError):
    def __init__(self) -> None:
        super().__init__("This survey has closed, so your answer was not counted. Thank you!")


class UnknownSurvey(UserFacingError):
    def __init__(self) -> None:
        super().__init__("I couldn't find that survey any more, so nothing was recorded.")


class AnswerFirst(UserFacingError):
    def __init__(self) -> None:
        super().__init__("Please choose a score before adding a comment.")
