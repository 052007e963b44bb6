"""What a question asks about (knowledge/aspects.py), on the shipped aspects file."""

from knowledge.aspects import asked_aspects, aspects_of
from knowledge.normalize import clean


def names(aspects) -> set[str]:
    return {a.name for a in aspects}


def test_a_story_before_the_question_does_not_ask_what_it_tells():
    message = clean("上个月我去了一家职介所，人家先收了我八百块钱。结果等了三个礼拜，那个厂根本没招人。"
                    "我妈气得不行。我想问一下：这种职介所按规定该怎么罚？")
    # "结果" tells what happened; the question asks for a penalty
    assert "result" in names(aspects_of(message))
    assert "result" not in names(asked_aspects(message))


def test_a_short_message_is_read_whole():
    message = clean("举报以后多久能有结果？")
    assert names(asked_aspects(message)) == names(aspects_of(message))
    assert "result" in names(asked_aspects(message))


def test_full_width_marks_end_sentences_after_cleaning():
    # clean() turns "！" and "？" into "!" and "?": the story's sentences are still told apart
    message = clean("老板跑了！结果工资没人给！我该找谁？")
    assert "!" in message
    assert "result" not in names(asked_aspects(message))
